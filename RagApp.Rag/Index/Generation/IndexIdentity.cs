using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using RagApp.Rag.Answers;
using RagApp.Rag.Answers.Chat;

namespace RagApp.Rag.Index.Generation;

/// <summary>
/// The identity half of the published token (<see cref="Core.Redis.IndexGenerationToken"/>): the index's lifetime
/// (<see cref="IIndexLifetime"/>: per process, or shared by every replica writing one Qdrant collection through one
/// Redis), then a hash of everything in this process that changes an answer without a document change: the build of
/// the code, the answerer and the configured settings. Replicas with
/// the same lifetime and configuration publish one identity, so their publications order by generation alone.
/// </summary>
internal static class IndexIdentity
{
    /// <summary>Configuration sections whose settings shape retrieval and answers.</summary>
    private static readonly string[] AnswerSections = ["Rag", "VectorStore"];

    /// <summary>
    /// The build of the code that answers: the module version ids of RagApp.Rag and the libraries whose defaults shape
    /// an answer (deterministic builds: they change exactly when the code does). Defaults live in code, so an upgrade
    /// that changes one (a stemmer, a BM25 parameter, a fusion step) must not meet answers the old build cached, which
    /// replicas sharing one Qdrant collection would otherwise serve until their expiry.
    /// </summary>
    internal static readonly string Build = string.Join(',',
        new[] { typeof(IndexIdentity), typeof(Core.Embeddings.EmbeddingBatcher), typeof(Core.Redis.IndexGenerationToken) }
            .Select(type => type.Assembly.ManifestModule.ModuleVersionId.ToString("N")));

    public static string Create(IServiceProvider services, IConfiguration configuration, string lifetime) =>
        Create(services, configuration, lifetime, Build);

    internal static string Create(IServiceProvider services, IConfiguration configuration, string lifetime, string build)
    {
        var description = new StringBuilder();
        description.Append("build=").Append(build).Append('\n');
        // The answerer in use ("extractive" or "chat") and, for a chat model, both routes' deployments.
        description.Append("answerer=").Append(services.GetService<IAnswerer>()?.Name ?? "none").Append('\n');
        if (services.GetService<ChatDeployments>() is { } deployments)
        {
            description.Append("fast=").Append(deployments.Fast.Name).Append('\n');
            description.Append("strong=").Append(deployments.Strong.Name).Append('\n');
        }

        // Every retrieval, fusion and answer option as configured (defaults live in code and change with it).
        foreach (var section in AnswerSections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable()
                .Where(setting => setting.Value is not null)
                .OrderBy(setting => setting.Key, StringComparer.OrdinalIgnoreCase))
            {
                description.Append(key).Append('=').Append(value).Append('\n');
            }
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(description.ToString()));
        return $"{lifetime}.{Convert.ToHexStringLower(hash.AsSpan(0, 8))}";
    }
}
