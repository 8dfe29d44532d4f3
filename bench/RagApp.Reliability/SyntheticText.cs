using System.Text;

namespace RagApp.Reliability;

/// <summary>
/// Documents no cache has seen: paragraphs of words drawn with a seeded generator, each text carrying its document
/// and revision so that two revisions never chunk the same.
/// </summary>
internal static class SyntheticText
{
    private static readonly string[] Words =
    [
        "boundary", "layer", "pressure", "gradient", "flow", "separation", "wing", "shock", "wave", "heat", "transfer",
        "laminar", "turbulent", "velocity", "profile", "nozzle", "supersonic", "subsonic", "drag", "lift", "model",
        "measured", "theory", "experiment", "surface", "temperature", "mach", "number", "reynolds", "skin", "friction",
        "cylinder", "cone", "plate", "body", "jet", "stream", "vortex", "wake", "panel", "flutter", "buckling", "shell",
    ];

    /// <summary>A text of about <paramref name="words"/> words in paragraphs of 40 to 120 words.</summary>
    public static string Create(Random random, string documentId, int revision, int words)
    {
        var text = new StringBuilder();
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Document {documentId}, revision {revision}.");
        var written = 0;
        while (written < words)
        {
            text.Append("\n\n");
            var paragraph = 40 + random.Next(80);
            for (var i = 0; i < paragraph; i++)
            {
                text.Append(i == 0 ? "" : i % 12 == 0 ? ". " : " ").Append(Words[random.Next(Words.Length)]);
            }

            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" ({documentId} r{revision} p{written}).");
            written += paragraph;
        }

        return text.ToString();
    }
}
