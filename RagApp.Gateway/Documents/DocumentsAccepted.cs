namespace RagApp.Gateway.Documents;

/// <summary>The answer to a multipart upload: one entry per file, in request order.</summary>
public sealed record DocumentsAccepted(IReadOnlyList<DocumentAccepted> Documents);
