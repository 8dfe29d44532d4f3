using System.Text.Json.Serialization;
using RagApp.Rag.Answers;

namespace RagApp.Rag.Sessions;

/// <summary>A stored turn's JSON (one list element per turn): source-generated, so no reflection on the query path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ConversationTurn))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
