using Grpc.Core;
using RagApp.Core.Grpc.V1;

namespace RagApp.Rag.Grpc;

/// <summary>The question-answering half of the RAG API. Retrieval and answering arrive with the query issue.</summary>
internal sealed class RagGrpcService : RagService.RagServiceBase
{
}
