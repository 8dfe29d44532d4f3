using System.Text;

namespace RagApp.Tests.Chunking;

/// <summary>Deterministic prose: sentences of made-up words, grouped into paragraphs of chosen lengths.</summary>
internal static class SampleText
{
    private static readonly string[] Words =
    [
        "the", "fern", "grows", "in", "shade", "and", "its", "spores", "travel", "far", "on", "wind", "while", "roots",
        "hold", "damp", "soil", "under", "old", "trees", "where", "light", "falls", "softly", "through", "leaves", "of",
        "oak", "beech", "gardeners", "water", "them", "often", "during", "dry", "summers", "because", "fronds", "wilt",
    ];

    public static string Sentence(Random random)
    {
        var words = Enumerable.Range(0, random.Next(6, 25)).Select(_ => Words[random.Next(Words.Length)]).ToArray();
        words[0] = char.ToUpperInvariant(words[0][0]) + words[0][1..];
        return string.Join(' ', words) + ".";
    }

    public static string Paragraph(Random random, int targetLength)
    {
        var paragraph = new StringBuilder(Sentence(random));
        while (paragraph.Length < targetLength)
        {
            paragraph.Append(' ').Append(Sentence(random));
        }

        return paragraph.ToString();
    }

    public static List<string> Paragraphs(Random random, int count, int minLength, int maxLength) =>
        [.. Enumerable.Range(0, count).Select(_ => Paragraph(random, random.Next(minLength, maxLength + 1)))];
}
