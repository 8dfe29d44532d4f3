using System.Reflection;
using System.Text.RegularExpressions;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Gateway.Caching;
using RagApp.Rag.Index.Qdrant.Coordination;
using StackExchange.Redis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Cluster;

/// <summary>
/// Without a server: every Lua script's KEYS hash to one Redis Cluster slot (a key added in another slot fails here
/// before it fails on a cluster), and no script reaches a key it was not given in KEYS (a cluster routes a script by
/// its KEYS, and Garnet locks only those).
/// </summary>
public sealed partial class RedisKeySlotTests
{
    /// <summary>Ids a client chooses may hold braces: they must never become the tag.</summary>
    private const string JobId = "job-{7}";
    private const string DocumentId = "doc}{x{y}";

    private static readonly string[] QueueNames = ["ingest", "tenant-a_2", "q"];

    [Theory]
    // Values from redis-server 7.0's CLUSTER KEYSLOT.
    [InlineData("123456789", 12739)]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("{user1000}.following", 3443)]
    [InlineData("{user1000}.followers", 3443)]
    [InlineData("foo{}{bar}", 8363)]
    [InlineData("foo{{bar}}zap", 4015)]
    [InlineData("foo{bar}{zap}", 5061)]
    public void HashSlot_MatchesRedisClusterSpecification(string key, int slot) => Assert.Equal(slot, ClusterHashSlot.Of(key));

    [Fact]
    public void EveryQueueScript_DeclaresKeysOfOneSlot_TheQueueNamesSlot()
    {
        var scripts = typeof(IngestQueueKeys).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(method => method.ReturnType == typeof(RedisKey[]))
            .ToList();
        // One key set per script in QueueScripts.
        var scriptCount = typeof(QueueScripts).GetFields(BindingFlags.Public | BindingFlags.Static).Count(field => field.FieldType == typeof(string));
        Assert.Equal(scriptCount, scripts.Count);

        foreach (var queueName in QueueNames)
        {
            var keys = new IngestQueueKeys(queueName);
            var expected = ClusterHashSlot.Of(queueName);
            foreach (var script in scripts)
            {
                var arguments = script.GetParameters().Select(parameter => (object)(parameter.Name switch
                {
                    "jobId" => JobId,
                    "documentId" => DocumentId,
                    _ => throw new InvalidOperationException($"{script.Name} takes an unknown parameter {parameter.Name}."),
                })).ToArray();
                var declared = (RedisKey[])script.Invoke(keys, arguments)!;
                Assert.NotEmpty(declared);
                Assert.All(declared, key => Assert.True(
                    ClusterHashSlot.Of(key!) == expected,
                    $"{script.Name} of queue '{queueName}': {key} is in slot {ClusterHashSlot.Of(key!)}, the queue in {expected}."));
            }

            // What is read outside the scripts stays in the queue's slot too (status reads, depth, the KEDA list).
            Assert.Equal(expected, ClusterHashSlot.Of(keys.Job(JobId)!));
            Assert.Equal(expected, ClusterHashSlot.Of(keys.Ready!));
        }
    }

    [Fact]
    public void QueryCacheStore_DeclaresKeysOfOneSlot()
    {
        var token = new IndexGenerationToken("lifetime {x} config", 42);
        var entry = QueryCacheKey.For(new Rpc.QueryRequest { Question = "What is {this}?", MaxResults = 3 }, stream: false, token);
        var declared = QueryCache.StoreKeys(entry);

        Assert.Equal(4, declared.Length);
        Assert.Single(declared.Select(key => ClusterHashSlot.Of(key!)).Distinct());
        Assert.StartsWith(RedisKeys.CachePrefix, entry, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ragapp_chunks")]
    [InlineData("other")]
    public void QdrantClaim_DeclaresKeysOfOneSlot_TheCollectionsSlot(string collection)
    {
        var coordinator = new RedisQdrantWriteCoordinator(() => throw new InvalidOperationException("No server here."), collection, TimeSpan.FromSeconds(1), TimeProvider.System);

        var declared = coordinator.ClaimKeys(DocumentId);

        Assert.All(declared, key => Assert.Equal(ClusterHashSlot.Of(collection), ClusterHashSlot.Of(key!)));
    }

    /// <summary>
    /// Every string constant or static field holding Lua (a redis.call) in RagApp's assemblies: the first key argument
    /// of each call is KEYS[n] or a helper's parameter named *_key (never assigned inside the script), and so is the
    /// second of the commands that take two keys.
    /// </summary>
    [Fact]
    public void EveryScript_TouchesOnlyTheKeysItDeclares()
    {
        var scripts = new[] { typeof(IngestQueueKeys), typeof(QueryCache), typeof(RedisQdrantWriteCoordinator), typeof(Ingest.Worker.Embedding.EmbeddingCache) }
            .Select(type => type.Assembly)
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(field => field.FieldType == typeof(string) && !field.FieldType.IsGenericType)
                .Select(field => (Name: $"{type.Name}.{field.Name}", Lua: (field.IsLiteral ? field.GetRawConstantValue() : field.GetValue(null)) as string)))
            .Where(script => script.Lua?.Contains("redis.call(", StringComparison.Ordinal) == true)
            .ToList();
        // The queue's, the cache's, the coordination's, the publication's, the sessions' and the rate limits'.
        Assert.True(scripts.Count >= 17, $"Only {scripts.Count} scripts found: {string.Join(", ", scripts.Select(script => script.Name))}");

        foreach (var (name, lua) in scripts)
        {
            Assert.DoesNotMatch(KeyAssignment(), lua!);
            foreach (Match call in RedisCall().Matches(lua!))
            {
                var command = call.Groups["command"].Value.ToUpperInvariant();
                if (command is "TIME" or "PUBLISH")
                {
                    continue;
                }

                var arguments = call.Groups["arguments"].Value.Split(',', StringSplitOptions.TrimEntries);
                var keyArguments = command is "LMOVE" or "RPOPLPUSH" or "RENAME" or "RENAMENX" or "SMOVE" or "COPY" ? 2 : 1;
                foreach (var argument in arguments.Take(keyArguments))
                {
                    Assert.True(DeclaredKey().IsMatch(argument), $"{name}: redis.call('{command}', {argument}, ...) reaches a key not taken from KEYS.");
                }
            }
        }
    }

    [GeneratedRegex(@"redis\.call\('(?<command>[A-Za-z]+)'(?:,\s*(?<arguments>[^)]*))?\)")]
    private static partial Regex RedisCall();

    [GeneratedRegex(@"^(KEYS\[\d+\]|[a-z_]+_key)$")]
    private static partial Regex DeclaredKey();

    [GeneratedRegex(@"\b[a-z_]+_key\s*=[^=]")]
    private static partial Regex KeyAssignment();
}
