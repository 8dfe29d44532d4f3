namespace RagApp.Rag.Answers.Chat;

/// <summary>The route the rule picked (<see cref="ChatRoutes"/>) and why (<see cref="RouteReasons"/>).</summary>
internal sealed record RouteDecision(string Route, string Reason);
