using RagApp.Core.Grpc.V1;

namespace RagApp.Rag.Grpc;

/// <summary>The write side of the index, used by the ingest worker.</summary>
internal sealed class IndexGrpcService : IndexService.IndexServiceBase
{
}
