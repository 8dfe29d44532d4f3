namespace RagApp.Gateway.Documents;

/// <summary>A validated document waiting to be queued.</summary>
internal sealed record PendingDocument(
    string DocumentId,
    string? Title,
    string? FileName,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    ReadOnlyMemory<byte> Content);
