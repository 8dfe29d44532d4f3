namespace RagApp.Ingest.Worker.Chunking;

/// <summary>One chunk of a text: <see cref="Text"/> is exactly <c>source[Start..End]</c>.</summary>
public sealed record TextChunk(int Ordinal, int Start, int End, string Text);
