namespace RagApp.Rag.Index.Embedded;

/// <summary>A term occurring <see cref="Frequency"/> times in the chunk at <see cref="Slot"/>.</summary>
internal readonly record struct Posting(int Slot, int Frequency);
