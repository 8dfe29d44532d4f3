using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Retrieval;

/// <summary>A search hit with its calibrated score (0..1, comparable across questions; see <see cref="ScoreCalibration"/>).</summary>
internal sealed record RetrievedPassage(ScoredChunk Hit, double Score);
