using System.Collections.Concurrent;
using System.Numerics.Tensors;
using RagApp.Core.Documents;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Keywords;
using RagApp.Rag.Index.Search;

namespace RagApp.Tests.Index;

/// <summary>Search over documents written through gRPC: dense, BM25, hybrid, filters, and searches racing writes.</summary>
public sealed class IndexSearchTests : IAsyncLifetime
{
    private static readonly string[] CommonWords =
        ["flow", "pressure", "wing", "boundary", "layer", "heat", "transfer", "shock", "wave", "velocity", "surface", "model"];

    private readonly TestDirectory _directory = new();
    private readonly Random _random = new(42);
    private readonly List<TestDocument> _documents = [];
    private IndexServiceHost _host = null!;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await IndexServiceHost.StartAsync(_directory.Path);
        for (var d = 0; d < 20; d++)
        {
            var texts = Enumerable.Range(0, 5).Select(_ => CommonText(12)).ToArray();
            if (d == 13)
            {
                texts[3] = CommonText(6) + " zymurgy " + CommonText(5);
            }

            var document = TestDocument.Create($"doc-{d:D2}", _random, texts) with
            {
                Metadata = new Dictionary<string, string> { ["parity"] = d % 2 == 0 ? "even" : "odd", ["group"] = (d / 5).ToString() },
            };
            _documents.Add(document);
            await _host.Client.UpsertAsync(document);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData(nameof(SearchMode.Dense))]
    [InlineData(nameof(SearchMode.Hybrid))]
    public async Task ExactVectorQuery_FindsItsChunkFirst(string modeName)
    {
        var mode = Enum.Parse<SearchMode>(modeName);
        foreach (var (document, ordinal) in new[] { (4, 0), (11, 2), (19, 4) })
        {
            var hits = await _host.Store.SearchAsync(
                _documents[document].Vectors[ordinal], null, 5, null, new SearchOptions { Mode = mode }, CancellationToken);

            Assert.Equal(5, hits.Count);
            Assert.Equal(ChunkIds.Create(_documents[document].DocumentId, ordinal), hits[0].Chunk.ChunkId);
            Assert.Equal(1.0, hits[0].DenseScore!.Value, 5);
            Assert.True(hits[0].Score > hits[1].Score);
        }
    }

    [Fact]
    public async Task DenseScores_AreCosineSimilarities()
    {
        var query = SyntheticVectors.Unit(_random, TestDocument.Dimensions);

        var hits = await _host.Store.SearchAsync(query.Select(value => value * 3).ToArray(), null, 3, null, new SearchOptions { Mode = SearchMode.Dense }, CancellationToken);

        foreach (var hit in hits)
        {
            var stored = _documents.Single(document => document.DocumentId == hit.Document.DocumentId).Vectors[hit.Chunk.Ordinal];
            var cosine = query.Zip(stored, (a, b) => (double)a * b).Sum();
            Assert.Equal(cosine, hit.Score, 5);
        }

        Assert.True(hits.Zip(hits.Skip(1), (a, b) => a.Score >= b.Score).All(ordered => ordered));
    }

    [Fact]
    public async Task KeywordQuery_FindsTheChunkWithTheRareWord()
    {
        var hits = await _host.Store.SearchAsync(default, "Zymurgy of the flow?", 5, null, new SearchOptions { Mode = SearchMode.Keyword }, CancellationToken);

        Assert.Equal(ChunkIds.Create("doc-13", 3), hits[0].Chunk.ChunkId);
        Assert.True(hits[0].Score > hits[1].Score);
    }

    [Fact]
    public async Task KeywordScores_AreBm25_AfterReplacesAndDeletes()
    {
        // Statistics are kept incrementally: churn them before checking.
        _documents[0] = TestDocument.Create("doc-00", _random, "wing wing wing", "a short wing");
        await _host.Client.UpsertAsync(_documents[0]);
        await _host.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "doc-01" }, cancellationToken: CancellationToken);
        _documents.RemoveAt(1);

        var hits = await _host.Store.SearchAsync(default, "zymurgy wing", 3, null, new SearchOptions { Mode = SearchMode.Keyword }, CancellationToken);

        // Recompute BM25 (the default k1, b and stemming) from the raw texts, independently of the index's incremental statistics.
        var settings = new KeywordScoringOptions();
        var corpus = _documents.SelectMany(document => document.Texts).Select(text => KeywordTokenizer.Tokenize(text, settings.Stemming)).ToList();
        var averageLength = corpus.Average(tokens => tokens.Count);
        double Expected(string text)
        {
            var tokens = KeywordTokenizer.Tokenize(text, settings.Stemming);
            var score = 0.0;
            foreach (var term in KeywordTokenizer.DistinctTerms("zymurgy wing", settings.Stemming))
            {
                var df = corpus.Count(chunk => chunk.Contains(term));
                var tf = tokens.Count(token => token == term);
                if (tf == 0)
                {
                    continue;
                }

                var idf = Math.Log(1 + ((corpus.Count - df + 0.5) / (df + 0.5)));
                var (k1, b) = (settings.K1, settings.B);
                score += idf * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * tokens.Count / averageLength))));
            }

            return score;
        }

        Assert.Equal(3, hits.Count);
        foreach (var hit in hits)
        {
            Assert.Equal(Expected(hit.Chunk.Text), hit.Score, 4);
        }
    }

    [Fact]
    public async Task HybridQuery_RanksBothTheDenseAndTheKeywordMatchOnTop()
    {
        // At equal weights each exact match alone outscores every chunk that matches neither signal exactly.
        var options = new SearchOptions { Fusion = FusionMethod.WeightedSum, DenseWeight = 0.5 };

        var hits = await _host.Store.SearchAsync(_documents[6].Vectors[1], "zymurgy", 10, null, options, CancellationToken);

        Assert.Equal(
            new[] { ChunkIds.Create("doc-06", 1), ChunkIds.Create("doc-13", 3) }.Order(),
            hits.Take(2).Select(hit => hit.Chunk.ChunkId).Order());
        Assert.All(hits, hit => Assert.InRange(hit.Score, 0, 1));
    }

    [Fact(Timeout = 60_000)]
    public async Task AdaptiveHybrid_RanksBothExactMatchesOnTop_AndGivesTheKeywordOnlyHitItsCosine()
    {
        var query = _documents[6].Vectors[1];

        var hits = await _host.Store.SearchAsync(query, "zymurgy", 10, null, SearchOptions.Default, TestContext.Current.CancellationToken);

        Assert.Equal(
            new[] { ChunkIds.Create("doc-06", 1), ChunkIds.Create("doc-13", 3) }.Order(),
            hits.Take(2).Select(hit => hit.Chunk.ChunkId).Order());
        var keywordOnly = hits.Single(hit => hit.Chunk.ChunkId == ChunkIds.Create("doc-13", 3));
        var expected = TensorPrimitives.CosineSimilarity(query, _documents[13].Vectors[3]);
        Assert.Equal(expected, keywordOnly.DenseScore!.Value, 4);
        Assert.NotNull(keywordOnly.KeywordScore);
    }

    [Fact(Timeout = 30_000)]
    public async Task HybridKeywordOnlyHit_CarriesItsVector_DenseHitsDoNot()
    {
        // Two dense candidates only, fused by weighted sum (adaptive fusion computes every candidate's cosine): the
        // keyword match (doc-13, chunk 3) is not among them, so it has no cosine, and its (unit-length) vector is what
        // lets the answerer score its sentences without embedding them.
        var options = new SearchOptions { Fusion = FusionMethod.WeightedSum, DenseWeight = 0.5, CandidateCount = 2 };

        var hits = await _host.Store.SearchAsync(_documents[6].Vectors[1], "zymurgy", 2, null, options, TestContext.Current.CancellationToken);

        var keywordOnly = hits.Single(hit => hit.Chunk.ChunkId == ChunkIds.Create("doc-13", 3));
        Assert.Null(keywordOnly.DenseScore);
        var stored = _documents[13].Vectors[3];
        Assert.Equal(stored.Length, keywordOnly.Chunk.Vector.Length);
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(stored, keywordOnly.Chunk.Vector.Span), 5);
        Assert.All(hits.Where(hit => hit.DenseScore is not null), hit => Assert.True(hit.Chunk.Vector.IsEmpty));
    }

    [Fact]
    public async Task HybridWithReciprocalRankFusion_ScoresByRanks()
    {
        var options = new SearchOptions { Fusion = FusionMethod.ReciprocalRank, RrfK = 60 };

        var hits = await _host.Store.SearchAsync(_documents[6].Vectors[1], "zymurgy", 10, null, options, CancellationToken);

        // First in the dense list and absent from the keyword list (it lacks the word): 1/(60+1).
        var denseTop = hits.Single(hit => hit.Chunk.ChunkId == ChunkIds.Create("doc-06", 1));
        Assert.Equal(1.0 / 61, denseTop.Score, 9);
        Assert.Contains(hits.Take(2), hit => hit.Chunk.ChunkId == ChunkIds.Create("doc-13", 3));
    }

    [Fact]
    public async Task FilterByDocumentIds_ReturnsOnlyTheirChunks()
    {
        var filter = new SearchFilter { DocumentIds = ["doc-03", "doc-17"] };

        var hits = await _host.Store.SearchAsync(_documents[5].Vectors[0], "flow pressure", 50, filter, null, CancellationToken);

        Assert.Equal(10, hits.Count);
        Assert.All(hits, hit => Assert.Contains(hit.Document.DocumentId, filter.DocumentIds));
    }

    [Fact]
    public async Task FilterByMetadata_ReturnsOnlyMatchingDocuments()
    {
        var filter = new SearchFilter { Metadata = new Dictionary<string, string> { ["parity"] = "odd", ["group"] = "2" } };

        var dense = await _host.Store.SearchAsync(_documents[12].Vectors[0], null, 100, filter, new SearchOptions { Mode = SearchMode.Dense }, CancellationToken);
        var keyword = await _host.Store.SearchAsync(default, "zymurgy", 100, filter, new SearchOptions { Mode = SearchMode.Keyword }, CancellationToken);

        // Group 2 is doc-10..doc-14; the odd ones are doc-11 and doc-13.
        Assert.Equal(["doc-11", "doc-13"], dense.Select(hit => hit.Document.DocumentId).Distinct().Order());
        Assert.Equal(10, dense.Count);
        Assert.Equal(ChunkIds.Create("doc-13", 3), Assert.Single(keyword).Chunk.ChunkId);
        Assert.Empty(await _host.Store.SearchAsync(
            _documents[0].Vectors[0], "flow", 10, new SearchFilter { Metadata = new Dictionary<string, string> { ["parity"] = "none" } }, null, CancellationToken));
    }

    [Fact]
    public async Task SearchesRacingReplaces_SeeTheDocumentWholeFromOneReplace_NeverAMixOfTwo()
    {
        // Every replace of "churn" has another chunk count, and tags its title and every chunk text with its round: a
        // search that caught a replace half-applied would see chunks of two rounds, or not as many as the document has.
        const string ChurnId = "churn";
        const int MaxChunks = 13;
        // No filter, and every chunk of the index in the answer: whatever of "churn" is visible to a search is seen.
        var everyChunk = (_documents.Count * 5) + MaxChunks;
        var dense = new SearchOptions { Mode = SearchMode.Dense };
        var roundsSeen = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        using var writesDone = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        async Task SearchUntilWritesEndAsync(int seed)
        {
            var random = new Random(seed);
            while (!writesDone.IsCancellationRequested)
            {
                var hits = (await _host.Store.SearchAsync(
                    SyntheticVectors.Unit(random, TestDocument.Dimensions), null, everyChunk, null, dense, CancellationToken))
                    .Where(hit => hit.Document.DocumentId == ChurnId).ToList();
                if (hits.Count == 0)
                {
                    continue; // deleted just now
                }

                var round = hits[0].Document.Title;
                Assert.All(hits, hit => Assert.Equal(round, hit.Document.Title));
                Assert.All(hits, hit => Assert.StartsWith(round + " chunk ", hit.Chunk.Text, StringComparison.Ordinal));
                Assert.Equal(Enumerable.Range(0, hits[0].Document.ChunkCount), hits.Select(hit => hit.Chunk.Ordinal).Order());
                roundsSeen.TryAdd(round, true);
            }
        }

        var readers = Enumerable.Range(0, 4).Select(seed => Task.Run(() => SearchUntilWritesEndAsync(seed), CancellationToken)).ToArray();
        // Replace until the readers have caught the document at many different rounds, so searches demonstrably ran
        // between (and during) replaces; stop early if a reader failed, bounded in any case.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var rounds = 0;
        while (roundsSeen.Count < 25 && !readers.Any(reader => reader.IsCompleted))
        {
            deadline.Token.ThrowIfCancellationRequested();
            var texts = Enumerable.Range(0, 1 + (rounds % MaxChunks)).Select(i => $"round {rounds} chunk {i} flow").ToArray();
            await _host.Client.UpsertAsync(TestDocument.Create(ChurnId, _random, texts) with { Title = $"round {rounds}" });
            if (rounds % 5 == 4)
            {
                await _host.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = ChurnId }, cancellationToken: CancellationToken);
            }

            rounds++;
        }

        await writesDone.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(roundsSeen.Count >= 25, $"the searches caught {roundsSeen.Count} rounds of {rounds}");
    }

    private string CommonText(int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => CommonWords[_random.Next(CommonWords.Length)]));
}
