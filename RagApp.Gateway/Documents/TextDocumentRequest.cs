using System.Text.Json;

namespace RagApp.Gateway.Documents;

/// <summary>The JSON form of <c>POST /api/v1/documents</c>: a document given as text.</summary>
public sealed record TextDocumentRequest(
    string? Text,
    string? Title,
    string? DocumentId,
    Dictionary<string, JsonElement>? Metadata);
