namespace RagApp.Rag.Sessions;

/// <summary>The "operation" tag of the session store failure counter.</summary>
internal static class SessionOperations
{
    public const string Load = "load";
    public const string Append = "append";
}
