using System.Diagnostics;
using System.Diagnostics.Metrics;
using RagApp.Rag.Index;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// The chat answerer's instruments on the service's meter ("RagApp.Rag"), and its tags on the current query span
/// (<c>rag query</c> / <c>rag query_stream</c>), so a trace shows which model answered and why.
/// </summary>
internal sealed class ChatTelemetry
{
    public const string RouteTag = "ragapp.answer.route";
    public const string RouteReasonTag = "ragapp.answer.route.reason";
    public const string ModelTag = "ragapp.answer.model";
    public const string FallbackTag = "ragapp.answer.fallback";

    private readonly Counter<long> _routes;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _rewrites;

    public ChatTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(IndexTelemetry.Name);
        _routes = meter.CreateCounter<long>("ragapp.answer.routes", "{answer}", "Chat answers by the route the rule picked (fast or strong) and why.");
        _fallbacks = meter.CreateCounter<long>("ragapp.answer.fallbacks", "{answer}", "Chat answers replaced by the extractive answer, by reason (error, timeout, first_token_timeout, empty).");
        _rewrites = meter.CreateCounter<long>("ragapp.answer.rewrites", "{question}", "Follow-up rewrites by the chat model, by outcome (rewritten, unchanged, failed).");
    }

    public void RecordRoute(RouteDecision decision, string model)
    {
        _routes.Add(1, new KeyValuePair<string, object?>("route", decision.Route), new KeyValuePair<string, object?>("reason", decision.Reason));
        var activity = Activity.Current;
        activity?.SetTag(RouteTag, decision.Route);
        activity?.SetTag(RouteReasonTag, decision.Reason);
        activity?.SetTag(ModelTag, model);
    }

    public void RecordFallback(string reason)
    {
        _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason));
        Activity.Current?.SetTag(FallbackTag, reason);
    }

    public void RecordRewrite(string outcome) => _rewrites.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
