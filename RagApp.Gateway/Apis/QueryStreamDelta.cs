namespace RagApp.Gateway.Apis;

/// <summary>The data of a <c>delta</c> event: the next piece of the answer's text.</summary>
public sealed record QueryStreamDelta(string Text);
