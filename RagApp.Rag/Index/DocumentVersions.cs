namespace RagApp.Rag.Index;

/// <summary>
/// The ordering rule every store applies to writes of one document. The ingest queue gives each submission (upload or
/// delete) of a document id a version, increasing, in the same atomic step that queues it; jobs may still reach the
/// index in any order (a short document overtakes a long one, a retry comes late). The index keeps, per document, the
/// highest version it applied — on the document, or as a tombstone once deleted — and refuses anything older. An equal
/// version is the same submission delivered again and applies again (idempotent). Version 0 is unversioned (tools,
/// tests, older clients): it always applies and leaves the held version as it is.
/// </summary>
internal static class DocumentVersions
{
    public static bool IsSuperseded(long heldVersion, long incomingVersion) => incomingVersion > 0 && incomingVersion < heldVersion;

    /// <summary>The version held after a write of <paramref name="incomingVersion"/> was applied.</summary>
    public static long AfterWrite(long heldVersion, long incomingVersion) => Math.Max(heldVersion, incomingVersion);
}
