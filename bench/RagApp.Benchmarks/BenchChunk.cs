namespace RagApp.Benchmarks;

/// <summary>A one-chunk document written straight into the index: its id, title, text and (model) vector.</summary>
internal sealed record BenchChunk(string DocumentId, string Title, string Text, float[] Vector);
