namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// The document can never be ingested as it is (damaged, hostile, empty, or not what it claims to be).
/// A permanent failure: retrying will not help. The message is meant for the user who uploaded it.
/// </summary>
public sealed class DocumentRejectedException : Exception
{
    public DocumentRejectedException()
        : base("The document was rejected.")
    {
    }

    public DocumentRejectedException(string message)
        : base(message)
    {
    }

    public DocumentRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
