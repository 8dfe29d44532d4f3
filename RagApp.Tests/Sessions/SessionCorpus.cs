using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;
using RagApp.Tests.Index;
using RagApp.Tests.Retrieval;

namespace RagApp.Tests.Sessions;

/// <summary>
/// <see cref="QueryCorpus"/> and two cities a university moved to: a follow-up that asks "what university moved
/// there?" is answered by one or the other, depending on which city the conversation is about.
/// </summary>
internal static class SessionCorpus
{
    public static IReadOnlyList<QueryCorpus.Entry> Documents { get; } =
    [
        .. QueryCorpus.Documents,
        new("ann-arbor", "cities", "Ann Arbor, Michigan",
            ["Ann Arbor was founded in 1824 by the land speculators John Allen and Elisha Rumsey, who named the settlement for their wives and for the stands of bur oak trees.",
             "The University of Michigan moved from Detroit to Ann Arbor in 1837, and the town grew around its campus."],
            ["When was Ann Arbor founded?"]),
        new("durham", "cities", "Durham, North Carolina",
            ["Durham was founded in 1853 around a railroad station built on land given by Bartlett Durham, a country doctor.",
             "In 1892 Trinity College, the university that later became Duke University, moved to Durham from Randolph County, paid for by the tobacco industrialist Washington Duke."],
            ["When was Durham founded?"]),
    ];

    /// <summary>Writes the corpus through the IndexService with vectors of the host's own generator; returns the generation.</summary>
    public static async Task<long> IndexAsync(IndexServiceHost host, CancellationToken cancellationToken)
    {
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        long generation = 0;
        foreach (var entry in Documents)
        {
            // "title. text", as the benchmark embeds BEIR documents.
            var embeddings = await generator.GenerateAsync(entry.Chunks.Select(chunk => $"{entry.Title}. {chunk}"), cancellationToken: cancellationToken);
            var document = new TestDocument(entry.DocumentId, entry.Chunks, [.. embeddings.Select(embedding => embedding.Vector.ToArray())])
            {
                Title = entry.Title,
                EmbeddingModel = MiniLmEmbeddingGenerator.ModelId,
                Metadata = new Dictionary<string, string> { ["topic"] = entry.Topic },
            };
            generation = (await host.Client.UpsertAsync(document)).Generation;
        }

        return generation;
    }
}
