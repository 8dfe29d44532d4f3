using Google.Protobuf;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace RagApp.Tests.Index;

/// <summary>
/// A stand-in for a Qdrant server at the gRPC border (none can run here): records every request the real
/// Qdrant.Client sends, keeps the registry collection's points so reads see earlier writes, and answers searches
/// with canned hits. It checks what we send, not what Qdrant would do with it.
/// </summary>
internal sealed class FakeQdrantServer(string registryCollection) : CallInvoker
{
    private readonly Dictionary<string, PointStruct> _registry = new(StringComparer.Ordinal);
    private readonly HashSet<string> _collections = new(StringComparer.Ordinal);

    public List<(string Method, IMessage Request)> Calls { get; } = [];

    public ulong ChunkCount { get; set; }

    public List<ScoredPoint> DenseHits { get; } = [];

    public List<ScoredPoint> SparseHits { get; } = [];

    public List<ScoredPoint> FusedHits { get; } = [];

    public IEnumerable<T> Requests<T>(string method) where T : IMessage =>
        Calls.Where(call => call.Method == method).Select(call => (T)call.Request);

    public void AddRegistryPoint(PointStruct point) => _registry[point.Id.Uuid] = point;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        var message = (IMessage)request;
        Calls.Add((method.FullName, message));
        var response = (TResponse)Respond(method.FullName, message);
        return new AsyncUnaryCall<TResponse>(
            Task.FromResult(response), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
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

    private object Respond(string method, IMessage request)
    {
        switch (request)
        {
            case CollectionExistsRequest exists:
                return new CollectionExistsResponse { Result = new CollectionExists { Exists = _collections.Contains(exists.CollectionName) } };
            case CreateCollection create:
                _collections.Add(create.CollectionName);
                return new CollectionOperationResponse { Result = true };
            case CreateFieldIndexCollection:
                return Completed();
            case UpsertPoints upsert:
                if (upsert.CollectionName == registryCollection)
                {
                    foreach (var point in upsert.Points)
                    {
                        _registry[point.Id.Uuid] = point;
                    }
                }

                return Completed();
            case DeletePoints delete:
                if (delete.CollectionName == registryCollection && delete.Points.Points is { } ids)
                {
                    foreach (var id in ids.Ids)
                    {
                        _registry.Remove(id.Uuid);
                    }
                }

                return Completed();
            case GetPoints get:
                var found = new GetResponse();
                foreach (var id in get.Ids)
                {
                    if (get.CollectionName == registryCollection && _registry.TryGetValue(id.Uuid, out var point))
                    {
                        found.Result.Add(new RetrievedPoint { Id = point.Id, Payload = { point.Payload } });
                    }
                }

                return found;
            case CountPoints count:
                var counted = count.CollectionName == registryCollection
                    ? (ulong)_registry.Values.Count(point => point.Payload["kind"].StringValue == "document")
                    : ChunkCount;
                return new CountResponse { Result = new CountResult { Count = counted } };
            case QueryPoints:
                return new QueryResponse { Result = { FusedHits } };
            case QueryBatchPoints:
                return new QueryBatchResponse { Result = { new BatchResult { Result = { DenseHits } }, new BatchResult { Result = { SparseHits } } } };
            default:
                throw new NotSupportedException($"The fake Qdrant has no answer for {method}.");
        }
    }
}
