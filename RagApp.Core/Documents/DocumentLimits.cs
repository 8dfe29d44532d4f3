namespace RagApp.Core.Documents;

/// <summary>Limits the gateway and the ingest worker must agree on, so that what the gateway accepts the worker can index.</summary>
public static class DocumentLimits
{
    /// <summary>Default most characters of a document's text (the gateway's JSON text and text files; the worker's extracted text).</summary>
    public const int DefaultMaxTextCharacters = 10_000_000;
}
