namespace RagApp.Gateway.Apis;

/// <summary>The data of the stream's first event, <c>sources</c>: the passages the answer will be composed from.</summary>
public sealed record QueryStreamSources(IReadOnlyList<QuerySource> Sources);
