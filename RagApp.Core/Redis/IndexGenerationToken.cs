using System.Globalization;

namespace RagApp.Core.Redis;

/// <summary>
/// What RagApp.Rag's answers depend on besides the question: <see cref="Identity"/> names the index's lifetime and the
/// answering configuration (answerer, chat deployments, retrieval and answer options), <see cref="Generation"/> counts
/// the index's writes within that identity. Two tokens with the same identity are ordered by generation; tokens of
/// different identities are not comparable (a new index counts from 0 again). Written as "<c>{identity} {generation}</c>".
/// </summary>
public sealed record IndexGenerationToken(string Identity, long Generation)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Identity} {Generation}");

    public static bool TryParse(string? text, out IndexGenerationToken token)
    {
        token = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var separator = text.LastIndexOf(' ');
        if (separator <= 0
            || !long.TryParse(text.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            return false;
        }

        token = new IndexGenerationToken(text[..separator], generation);
        return true;
    }
}
