namespace RagApp.Rag.Index.Search;

/// <summary>
/// Restricts a search to chunks of the listed documents (any of them) whose document metadata has every listed
/// key with exactly that value. Empty collections do not restrict.
/// </summary>
internal sealed record SearchFilter
{
    public IReadOnlyCollection<string> DocumentIds { get; init; } = [];
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = IndexedDocument.EmptyMetadata;

    public bool IsEmpty => DocumentIds.Count == 0 && Metadata.Count == 0;

    public bool Matches(IndexedDocument document)
    {
        if (DocumentIds.Count > 0 && !DocumentIds.Contains(document.DocumentId))
        {
            return false;
        }

        foreach (var (key, value) in Metadata)
        {
            if (!document.Metadata.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
