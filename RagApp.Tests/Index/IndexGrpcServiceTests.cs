using Grpc.Core;
using RagApp.Core.Documents;
using RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Index;

/// <summary>IndexService over real gRPC against the embedded store: what goes in comes back, replaced, never duplicated.</summary>
public sealed class IndexGrpcServiceTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly Random _random = new(20240611);
    private IndexServiceHost _host = null!;

    private IndexService.IndexServiceClient Client => _host.Client;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await IndexServiceHost.StartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Upsert_ThenReads_ReturnWhatWasSent()
    {
        var document = TestDocument.Create("report-1", _random, "First chunk of text.", "Second chunk.", "Third and last chunk.") with
        {
            Metadata = new Dictionary<string, string> { ["team"] = "search", ["year"] = "2024" },
        };
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var response = await Client.UpsertAsync(document);

        Assert.Equal(3, response.ChunkCount);
        Assert.Equal(1, response.Generation);
        var info = await Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "report-1" }, cancellationToken: CancellationToken);
        var header = document.Header();
        Assert.Equal(header.Title, info.Title);
        Assert.Equal(header.SourceName, info.SourceName);
        Assert.Equal(header.ContentType, info.ContentType);
        Assert.Equal(header.ContentHash, info.ContentHash);
        Assert.Equal(3, info.ChunkCount);
        Assert.Equal(TestDocument.Model, info.EmbeddingModel);
        Assert.Equal(document.Metadata, info.Metadata);
        Assert.InRange(info.IndexedAtUnixMs, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var chunks = (await Client.ChunksAsync("report-1", includeVectors: true)).Chunks;
        Assert.Equal(3, chunks.Count);
        for (var ordinal = 0; ordinal < 3; ordinal++)
        {
            var sent = document.Chunk(ordinal);
            var stored = chunks[ordinal];
            Assert.Equal(sent.ChunkId, stored.ChunkId);
            Assert.Equal(ordinal, stored.Ordinal);
            Assert.Equal(sent.Text, stored.Text);
            Assert.Equal(sent.Page, stored.Page);
            Assert.Equal(sent.StartOffset, stored.StartOffset);
            Assert.Equal(sent.EndOffset, stored.EndOffset);
            Assert.Equal(sent.Section, stored.Section);
            Assert.Equal(sent.ContentHash, stored.ContentHash);
            Assert.Equal(sent.Vector.Count, stored.Vector.Count);
            for (var i = 0; i < sent.Vector.Count; i++)
            {
                Assert.Equal(sent.Vector[i], stored.Vector[i], 1e-6f);
            }
        }

        var withoutVectors = (await Client.ChunksAsync("report-1")).Chunks;
        Assert.All(withoutVectors, chunk => Assert.Empty(chunk.Vector));

        var stats = await Client.StatsAsync();
        Assert.Equal(1, stats.DocumentCount);
        Assert.Equal(3, stats.ChunkCount);
        Assert.Equal(1, stats.Generation);
        Assert.Equal(TestDocument.Model, stats.EmbeddingModel);
        Assert.Equal(TestDocument.Dimensions, stats.EmbeddingDimensions);
        Assert.Equal("embedded", stats.Store);
    }

    [Fact]
    public async Task ReUpsert_WithFewerChunks_LeavesNoLeftovers()
    {
        await Client.UpsertAsync(TestDocument.Create("doc", _random, "alpha one", "alpha two", "alpha three", "alpha four", "quixotic five"));

        await Client.UpsertAsync(TestDocument.Create("doc", _random, "beta one", "beta two"));

        var chunks = (await Client.ChunksAsync("doc")).Chunks;
        Assert.Equal(["beta one", "beta two"], chunks.Select(chunk => chunk.Text));
        Assert.Equal(2, (await Client.StatsAsync()).ChunkCount);
        Assert.Equal(2, (await Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "doc" }, cancellationToken: CancellationToken)).ChunkCount);
        var leftovers = await _host.Store.SearchAsync(
            default, "quixotic", 10, null, new() { Mode = RagApp.Rag.Index.Search.SearchMode.Keyword }, CancellationToken);
        Assert.Empty(leftovers);
    }

    [Fact]
    public async Task RepeatedIdenticalUpsert_KeepsExactlyOneCopy()
    {
        var document = TestDocument.Create("same", _random, "one", "two", "three");

        await Client.UpsertAsync(document);
        await Client.UpsertAsync(document);
        await Client.UpsertAsync(document);

        var stats = await Client.StatsAsync();
        Assert.Equal(1, stats.DocumentCount);
        Assert.Equal(3, stats.ChunkCount);
        var hits = await _host.Store.SearchAsync(document.Vectors[1], null, 10, null, new() { Mode = RagApp.Rag.Index.Search.SearchMode.Dense }, CancellationToken);
        Assert.Equal(3, hits.Count);
        Assert.Equal(3, hits.Select(hit => hit.Chunk.ChunkId).Distinct().Count());
        Assert.Equal(ChunkIds.Create("same", 1), hits[0].Chunk.ChunkId);
    }

    [Fact]
    public async Task Delete_RemovesEveryChunk_DropsStats_AndBumpsGeneration()
    {
        await Client.UpsertAsync(TestDocument.Create("keep", _random, "kept text"));
        var doomed = TestDocument.Create("doomed", _random, "doomed one", "doomed two", "doomed three");
        var upserted = await Client.UpsertAsync(doomed);

        var deletion = await Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "doomed" }, cancellationToken: CancellationToken);

        Assert.True(deletion.Deleted);
        Assert.Equal(3, deletion.ChunksRemoved);
        Assert.Equal(upserted.Generation + 1, deletion.Generation);
        var stats = await Client.StatsAsync();
        Assert.Equal(1, stats.DocumentCount);
        Assert.Equal(1, stats.ChunkCount);
        Assert.Equal(deletion.Generation, stats.Generation);
        var notFound = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "doomed" }, cancellationToken: CancellationToken));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var chunksGone = await Assert.ThrowsAsync<RpcException>(() => Client.ChunksAsync("doomed"));
        Assert.Equal(StatusCode.NotFound, chunksGone.StatusCode);
        var hits = await _host.Store.SearchAsync(doomed.Vectors[0], "doomed", 10, null, null, CancellationToken);
        Assert.DoesNotContain(hits, hit => hit.Document.DocumentId == "doomed");

        var again = await Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "doomed" }, cancellationToken: CancellationToken);
        Assert.False(again.Deleted);
        Assert.Equal(0, again.ChunksRemoved);
        Assert.Equal(deletion.Generation, again.Generation);
    }

    [Fact]
    public async Task EveryChange_BumpsTheGeneration()
    {
        var generations = new List<long>
        {
            (await Client.StatsAsync()).Generation,
            (await Client.UpsertAsync(TestDocument.Create("a", _random, "a"))).Generation,
            (await Client.UpsertAsync(TestDocument.Create("b", _random, "b"))).Generation,
            (await Client.UpsertAsync(TestDocument.Create("a", _random, "a again"))).Generation,
            (await Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "b" }, cancellationToken: CancellationToken)).Generation,
        };

        Assert.Equal([0, 1, 2, 3, 4], generations);
        Assert.Equal(4, (await Client.StatsAsync()).Generation);
    }

    [Theory]
    [InlineData("other-model", TestDocument.Dimensions)]
    [InlineData(TestDocument.Model, 16)]
    public async Task VectorsOfAnotherModelOrDimension_AreRefused(string model, int dimensions)
    {
        await Client.UpsertAsync(TestDocument.Create("first", _random, "first"));
        var other = new TestDocument("second", ["second"], [SyntheticVectors.Unit(_random, dimensions)]) { EmbeddingModel = model };

        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.UpsertAsync(other));

        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Contains(TestDocument.Model, refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(model, refused.Status.Detail, StringComparison.Ordinal);
        var stats = await Client.StatsAsync();
        Assert.Equal(1, stats.Generation);
        Assert.Equal(1, stats.DocumentCount);
    }

    [Fact]
    public async Task WrongChunkId_IsInvalidArgument_NamingTheField()
    {
        var document = TestDocument.Create("doc", _random, "one", "two");
        var parts = document.Parts().ToList();
        parts[1].Chunks.Chunks[1].ChunkId = ChunkIds.Create("some-other-document", 1);

        await AssertRefusedAsync(parts, "chunks.chunk_id");
    }

    [Fact]
    public async Task ChunksBeforeHeader_IsInvalidArgument_NamingTheHeader()
    {
        var parts = TestDocument.Create("doc", _random, "one").Parts().Reverse();

        await AssertRefusedAsync(parts, "header");
    }

    [Fact]
    public async Task EmptyStream_IsInvalidArgument_NamingTheHeader() => await AssertRefusedAsync([], "header");

    [Fact]
    public async Task VectorOfWrongDimension_IsInvalidArgument_NamingTheVector()
    {
        var document = TestDocument.Create("doc", _random, "one", "two");
        var parts = document.Parts().ToList();
        parts[1].Chunks.Chunks[0].Vector.Add(0.5f);

        await AssertRefusedAsync(parts, "chunks.vector");
    }

    [Fact]
    public async Task SecondHeader_IsInvalidArgument()
    {
        var document = TestDocument.Create("doc", _random, "one");
        var parts = document.Parts().Append(new UpsertDocumentPart { Header = document.Header() });

        await AssertRefusedAsync(parts, "header");
    }

    [Fact]
    public async Task DuplicateOrdinal_IsInvalidArgument()
    {
        var document = TestDocument.Create("doc", _random, "one", "two");
        var parts = new[] { new UpsertDocumentPart { Header = document.Header() }, ChunkPart(document, 0), ChunkPart(document, 0) };

        await AssertRefusedAsync(parts, "chunks.ordinal");
    }

    [Fact]
    public async Task FewerChunksThanAnnounced_IsInvalidArgument_NamingChunkCount()
    {
        var document = TestDocument.Create("doc", _random, "one", "two", "three");
        var parts = new[] { new UpsertDocumentPart { Header = document.Header() }, ChunkPart(document, 0), ChunkPart(document, 2) };

        await AssertRefusedAsync(parts, "header.chunk_count");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task MissingDocumentId_IsInvalidArgument(string documentId)
    {
        var header = TestDocument.Create("doc", _random, "one").Header();
        header.DocumentId = documentId;
        header.ChunkCount = 0;

        await AssertRefusedAsync([new UpsertDocumentPart { Header = header }], "header.document_id");
    }

    [Fact]
    public async Task OverlongDocumentId_IsInvalidArgument()
    {
        var document = TestDocument.Create(new string('d', 257), _random, "one");

        await AssertRefusedAsync(document.Parts(), "header.document_id");
    }

    [Fact]
    public async Task AbortedStream_CommitsNothing()
    {
        var document = TestDocument.Create("aborted", _random, "one", "two", "three");
        using (var abort = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken))
        {
            using var call = Client.UpsertDocument(cancellationToken: abort.Token);
            var parts = document.Parts().ToList();
            await call.RequestStream.WriteAsync(parts[0], CancellationToken);
            await call.RequestStream.WriteAsync(parts[1], CancellationToken);
            await abort.CancelAsync();
            var cancelled = await Assert.ThrowsAsync<RpcException>(async () => await call);
            Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        }

        // The next change gets generation 1: the aborted stream never took one.
        var next = await Client.UpsertAsync(TestDocument.Create("next", _random, "next"));
        Assert.Equal(1, next.Generation);
        var stats = await Client.StatsAsync();
        Assert.Equal(1, stats.DocumentCount);
        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "aborted" }, cancellationToken: CancellationToken));
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ListDocuments_PagesThroughEveryDocumentInIdOrder()
    {
        string[] ids = ["e", "a", "d", "c", "b"];
        foreach (var id in ids)
        {
            await Client.UpsertAsync(TestDocument.Create(id, _random, $"text of {id}"));
        }

        var seen = new List<string>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await Client.ListDocumentsAsync(new ListDocumentsRequest { PageSize = 2, PageToken = token }, cancellationToken: CancellationToken);
            Assert.Equal(5, page.TotalCount);
            Assert.InRange(page.Documents.Count, 1, 2);
            seen.AddRange(page.Documents.Select(document => document.DocumentId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);

        Assert.Equal(3, pages);
        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        var firstPage = await Client.ListDocumentsAsync(new ListDocumentsRequest(), cancellationToken: CancellationToken);
        Assert.Equal(5, firstPage.Documents.Count);
        Assert.Empty(firstPage.NextPageToken);
    }

    [Theory]
    [InlineData(101, "", "page_size")]
    [InlineData(-1, "", "page_size")]
    [InlineData(10, "not-a-token", "page_token")]
    public async Task ListDocuments_RefusesBadPaging(int pageSize, string pageToken, string field)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.ListDocumentsAsync(new ListDocumentsRequest { PageSize = pageSize, PageToken = pageToken }, cancellationToken: CancellationToken));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(field + ":", refused.Status.Detail, StringComparison.Ordinal);
    }

    private static UpsertDocumentPart ChunkPart(TestDocument document, int ordinal) =>
        new() { Chunks = new ChunkBatch { Chunks = { document.Chunk(ordinal) } } };

    private async Task AssertRefusedAsync(IEnumerable<UpsertDocumentPart> parts, string field)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => Client.UpsertPartsAsync(parts));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(field + ":", refused.Status.Detail, StringComparison.Ordinal);
        var stats = await Client.StatsAsync();
        Assert.Equal(0, stats.Generation);
        Assert.Equal(0, stats.DocumentCount);
    }
}
