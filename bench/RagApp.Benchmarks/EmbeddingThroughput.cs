namespace RagApp.Benchmarks;

/// <summary>Questions embedded per second, and this process's CPU time per question (all its threads) meanwhile.</summary>
internal sealed record EmbeddingThroughput(double QuestionsPerSecond, double CpuMsPerQuestion);
