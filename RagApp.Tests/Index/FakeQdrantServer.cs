using Google.Protobuf;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagApp.Tests.Index;

/// <summary>
/// A stand-in for a Qdrant server at the gRPC border (none can run here): records every request the real
/// Qdrant.Client sends and keeps the points it is sent, per collection. Point writes, deletes, counts, scrolls and
/// payload updates apply the filter the store sent (field matches on keywords, integers and keyword lists), so a
/// test sees what the store's own requests did; searches answer with canned hits, or with <see cref="MatchSparseQueries"/>
/// a sparse query finds the stored points sharing a dimension with it. It checks what we send and what our filters
/// select, not how Qdrant ranks. Requests are applied one at a time, each atomically as Qdrant applies one
/// update; with <see cref="Interleave"/> each answers on the thread pool after a pause drawn from a seeded random, so
/// that several stores sharing the fake interleave their requests as replicas sharing a server do.
/// </summary>
internal sealed class FakeQdrantServer : CallInvoker
{
    private readonly Dictionary<string, SortedDictionary<string, PointStruct>> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CreateCollection> _created = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Random _pauses = new(20261203);

    /// <summary>Answer each request later on the thread pool, so that concurrent callers' requests interleave.</summary>
    public bool Interleave { get; init; }

    public List<(string Method, IMessage Request)> Calls { get; } = [];

    public List<ScoredPoint> DenseHits { get; } = [];

    public List<ScoredPoint> SparseHits { get; } = [];

    public List<ScoredPoint> FusedHits { get; } = [];

    /// <summary>
    /// Answer a single sparse query with the stored points its dimensions meet, by their dot product (no IDF): which
    /// chunks the sparse vectors the store wrote let the question's terms find, not Qdrant's ranking.
    /// </summary>
    public bool MatchSparseQueries { get; init; }

    public IEnumerable<T> Requests<T>(string method) where T : IMessage =>
        Calls.Where(call => call.Method == method).Select(call => (T)call.Request);

    /// <summary>The points a collection holds now, by id.</summary>
    public IReadOnlyDictionary<string, PointStruct> Points(string collection)
    {
        lock (_gate)
        {
            return _collections.TryGetValue(collection, out var points) ? new SortedDictionary<string, PointStruct>(points) : new SortedDictionary<string, PointStruct>();
        }
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var message = (IMessage)request;
        var response = Interleave ? RespondLaterAsync<TResponse>(method.FullName, message) : Task.FromResult(RespondNow<TResponse>(method.FullName, message));
        return new AsyncUnaryCall<TResponse>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private TResponse RespondNow<TResponse>(string method, IMessage message)
    {
        lock (_gate)
        {
            Calls.Add((method, message));
            return (TResponse)Respond(method, message);
        }
    }

    private async Task<TResponse> RespondLaterAsync<TResponse>(string method, IMessage message)
    {
        int pause;
        lock (_gate)
        {
            pause = _pauses.Next(0, 3);
        }

        // A real server answers later: the caller's other tasks, and other callers, run in between.
        await Task.Yield();
        if (pause > 0)
        {
            await Task.Delay(pause);
        }

        return RespondNow<TResponse>(method, message);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw new NotSupportedException();

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();

    private static PointsOperationResponse Completed() => new() { Result = new UpdateResult { Status = UpdateStatus.Completed } };

    private SortedDictionary<string, PointStruct> Collection(string name) =>
        _collections.TryGetValue(name, out var points) ? points : throw new InvalidOperationException($"The fake Qdrant has no collection '{name}'.");

    private object Respond(string method, IMessage request)
    {
        switch (request)
        {
            case CollectionExistsRequest exists:
                return new CollectionExistsResponse { Result = new CollectionExists { Exists = _collections.ContainsKey(exists.CollectionName) } };
            case CreateCollection create:
                if (!_collections.TryAdd(create.CollectionName, new SortedDictionary<string, PointStruct>(StringComparer.Ordinal)))
                {
                    // As Qdrant answers a second create: another replica may have made it a moment ago.
                    throw new RpcException(new Status(StatusCode.AlreadyExists, $"Collection `{create.CollectionName}` already exists!"));
                }

                _created[create.CollectionName] = create;
                return new CollectionOperationResponse { Result = true };
            case GetCollectionInfoRequest info:
                var made = _created[info.CollectionName];
                return new GetCollectionInfoResponse
                {
                    Result = new CollectionInfo { Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = made.VectorsConfig } } },
                };
            case CreateFieldIndexCollection:
                return Completed();
            case UpsertPoints upsert:
                var target = Collection(upsert.CollectionName);
                foreach (var point in upsert.Points)
                {
                    target[point.Id.Uuid] = point.Clone();
                }

                return Completed();
            case DeletePoints delete:
                var from = Collection(delete.CollectionName);
                foreach (var id in Select(from, delete.Points).ToList())
                {
                    from.Remove(id);
                }

                return Completed();
            case SetPayloadPoints setPayload:
                var within = Collection(setPayload.CollectionName);
                foreach (var id in Select(within, setPayload.PointsSelector))
                {
                    foreach (var (key, value) in setPayload.Payload)
                    {
                        within[id].Payload[key] = value.Clone();
                    }
                }

                return Completed();
            case GetPoints get:
                var found = new GetResponse();
                var source = Collection(get.CollectionName);
                foreach (var id in get.Ids)
                {
                    if (source.TryGetValue(id.Uuid, out var point))
                    {
                        found.Result.Add(Retrieved(point, withVectors: false));
                    }
                }

                return found;
            case CountPoints count:
                var counted = Collection(count.CollectionName).Values.Count(point => Matches(count.Filter, point.Payload));
                return new CountResponse { Result = new CountResult { Count = (ulong)counted } };
            case ScrollPoints scroll:
                return Scroll(scroll);
            case QueryPoints query when MatchSparseQueries && query.Query?.Nearest?.Sparse is { } sparse:
                return new QueryResponse { Result = { MatchSparse(query, sparse) } };
            case QueryPoints:
                return new QueryResponse { Result = { FusedHits } };
            case QueryBatchPoints:
                return new QueryBatchResponse { Result = { new BatchResult { Result = { DenseHits } }, new BatchResult { Result = { SparseHits } } } };
            default:
                throw new NotSupportedException($"The fake Qdrant has no answer for {method}.");
        }
    }

    /// <summary>Points in id order from the offset on, as Qdrant pages them; the next page starts at the first point left out.</summary>
    private ScrollResponse Scroll(ScrollPoints scroll)
    {
        var withVectors = scroll.WithVectors?.SelectorOptionsCase is WithVectorsSelector.SelectorOptionsOneofCase.Include
            || scroll.WithVectors?.Enable == true;
        var matching = Collection(scroll.CollectionName)
            .Where(pair => scroll.Offset is null || string.CompareOrdinal(pair.Key, scroll.Offset.Uuid) >= 0)
            .Where(pair => Matches(scroll.Filter, pair.Value.Payload))
            .Take((int)scroll.Limit + 1)
            .ToList();
        var response = new ScrollResponse();
        foreach (var (_, point) in matching.Take((int)scroll.Limit))
        {
            response.Result.Add(Retrieved(point, withVectors));
        }

        if (matching.Count > scroll.Limit)
        {
            response.NextPageOffset = matching[^1].Value.Id;
        }

        return response;
    }

    private IEnumerable<ScoredPoint> MatchSparse(QueryPoints query, SparseVector sparse)
    {
        var weights = sparse.Indices.Zip(sparse.Values).ToDictionary(pair => pair.First, pair => pair.Second);
        return Collection(query.CollectionName).Values
            .Where(point => Matches(query.Filter, point.Payload))
            .Select(point => (Point: point, Score: point.Vectors?.Vectors_?.Vectors.TryGetValue(query.Using, out var vector) == true
                ? vector.Sparse.Indices.Zip(vector.Sparse.Values).Sum(pair => weights.GetValueOrDefault(pair.First) * pair.Second)
                : 0f))
            .Where(match => match.Score > 0)
            .OrderByDescending(match => match.Score)
            .Take((int)query.Limit)
            .Select(match => new ScoredPoint { Id = match.Point.Id, Score = match.Score, Payload = { match.Point.Payload } });
    }

    private static RetrievedPoint Retrieved(PointStruct point, bool withVectors)
    {
        var retrieved = new RetrievedPoint { Id = point.Id, Payload = { point.Payload } };
        if (withVectors && point.Vectors?.Vectors_ is { } named)
        {
            var output = new NamedVectorsOutput();
            foreach (var (name, vector) in named.Vectors)
            {
                if (vector.VectorCase == Vector.VectorOneofCase.Dense)
                {
                    output.Vectors[name] = new VectorOutput { Dense = new DenseVector { Data = { vector.Dense.Data } } };
                }
            }

            retrieved.Vectors = new VectorsOutput { Vectors = output };
        }

        return retrieved;
    }

    private static IEnumerable<string> Select(SortedDictionary<string, PointStruct> points, PointsSelector selector) =>
        selector.PointsSelectorOneOfCase == PointsSelector.PointsSelectorOneOfOneofCase.Points
            ? selector.Points.Ids.Select(id => id.Uuid).Where(points.ContainsKey)
            : points.Where(pair => Matches(selector.Filter, pair.Value.Payload)).Select(pair => pair.Key);

    private static bool Matches(Filter? filter, IDictionary<string, Value> payload) =>
        filter is null
        || (filter.Must.All(condition => Matches(condition, payload))
            && !filter.MustNot.Any(condition => Matches(condition, payload))
            && (filter.Should.Count == 0 || filter.Should.Any(condition => Matches(condition, payload))));

    private static bool Matches(Condition condition, IDictionary<string, Value> payload)
    {
        if (condition.ConditionOneOfCase != Condition.ConditionOneOfOneofCase.Field)
        {
            throw new NotSupportedException($"The fake Qdrant cannot evaluate a {condition.ConditionOneOfCase} condition.");
        }

        var field = condition.Field;
        if (field.Range is null && field.Match is null)
        {
            throw new NotSupportedException($"The fake Qdrant cannot evaluate condition {field}.");
        }

        if (!payload.TryGetValue(field.Key, out var value))
        {
            return false;
        }

        if (field.Range is { } range)
        {
            return value.KindCase == Value.KindOneofCase.IntegerValue && InRange(value.IntegerValue, range);
        }

        var match = field.Match!;
        return match.MatchValueCase switch
        {
            Match.MatchValueOneofCase.Keyword => value.KindCase == Value.KindOneofCase.StringValue && value.StringValue == match.Keyword,
            Match.MatchValueOneofCase.Integer => value.KindCase == Value.KindOneofCase.IntegerValue && value.IntegerValue == match.Integer,
            Match.MatchValueOneofCase.Boolean => value.KindCase == Value.KindOneofCase.BoolValue && value.BoolValue == match.Boolean,
            Match.MatchValueOneofCase.Keywords => value.KindCase == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(value.StringValue),
            _ => throw new NotSupportedException($"The fake Qdrant cannot evaluate a {match.MatchValueCase} match."),
        };
    }

    private static bool InRange(long value, global::Qdrant.Client.Grpc.Range range) =>
        (!range.HasLt || value < range.Lt) && (!range.HasLte || value <= range.Lte)
        && (!range.HasGt || value > range.Gt) && (!range.HasGte || value >= range.Gte);
}
