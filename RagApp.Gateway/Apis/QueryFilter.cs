using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagApp.Gateway.Apis;

/// <summary>Restricts the passages a question is answered from; every condition given must hold.</summary>
/// <param name="DocumentIds">The passage's document must be one of these.</param>
/// <param name="Metadata">The passage's document must carry each key with this value (numbers and booleans compare as their JSON text).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record QueryFilter(IReadOnlyList<string?>? DocumentIds, IReadOnlyDictionary<string, JsonElement>? Metadata);
