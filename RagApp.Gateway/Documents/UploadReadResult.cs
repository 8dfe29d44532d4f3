namespace RagApp.Gateway.Documents;

/// <summary>Either the documents of an upload, all valid, or the problem to answer with.</summary>
internal sealed record UploadReadResult(IReadOnlyList<PendingDocument> Documents, IResult? Problem)
{
    public static UploadReadResult Read(params IReadOnlyList<PendingDocument> documents) => new(documents, null);

    public static UploadReadResult Failed(IResult problem) => new([], problem);
}
