namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>One durable change of the embedded index; <see cref="Generation"/> is the generation it produces.</summary>
internal abstract record IndexRecord(long Generation);
