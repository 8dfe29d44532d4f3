using System.Text.Json.Serialization;

namespace RagApp.Core.Queue;

/// <summary>Source-generated JSON for the job metadata stored in the job hash.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class QueueJsonContext : JsonSerializerContext;
