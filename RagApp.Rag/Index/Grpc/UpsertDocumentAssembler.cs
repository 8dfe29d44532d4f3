using RagApp.Core.Documents;
using RagApp.Core.Grpc.V1;

namespace RagApp.Rag.Index.Grpc;

/// <summary>
/// Collects one UpsertDocument stream — a header, then chunk batches — and checks it part by part, so a bad stream
/// fails at the first wrong field. Nothing reaches the store until <see cref="Complete"/> has seen the whole stream.
/// </summary>
/// <remarks>
/// With keep-chunks (a resubmission of content the index already holds) the header's chunk_count names the chunks the
/// index should hold and the stream carries none.
/// </remarks>
internal sealed class UpsertDocumentAssembler(VectorStoreOptions options, bool keepChunks = false)
{
    public const int MaxDocumentIdLength = 256;

    private DocumentHeader? _header;
    private IndexedChunk?[] _chunks = [];
    private int _received;

    public void Add(UpsertDocumentPart part)
    {
        switch (part.PartCase)
        {
            case UpsertDocumentPart.PartOneofCase.Header:
                AcceptHeader(part.Header);
                break;
            case UpsertDocumentPart.PartOneofCase.Chunks:
                if (_header is null)
                {
                    throw new InvalidIndexRequestException("header", "the first message of the stream must be the document header");
                }

                if (keepChunks && part.Chunks.Chunks.Count > 0)
                {
                    throw new InvalidIndexRequestException("chunks", "must be empty with keep_chunks: the index keeps the chunks it holds");
                }

                foreach (var chunk in part.Chunks.Chunks)
                {
                    AcceptChunk(_header, chunk);
                }

                break;
            default:
                throw new InvalidIndexRequestException("part", "a message carries neither a header nor chunks");
        }
    }

    /// <summary>The document and its chunks in ordinal order, once the stream carried everything the header announced.</summary>
    public (IndexedDocument Document, IReadOnlyList<IndexedChunk> Chunks) Complete(DateTimeOffset indexedAt)
    {
        if (_header is null)
        {
            throw new InvalidIndexRequestException("header", "missing: the stream carried no document header");
        }

        if (!keepChunks && _received != _header.ChunkCount)
        {
            throw new InvalidIndexRequestException(
                "header.chunk_count", $"the header announced {_header.ChunkCount} chunks but the stream carried {_received}");
        }

        var document = new IndexedDocument
        {
            DocumentId = _header.DocumentId,
            Title = _header.Title,
            SourceName = _header.SourceName,
            ContentType = _header.ContentType,
            ContentHash = _header.ContentHash,
            Metadata = new Dictionary<string, string>(_header.Metadata, StringComparer.Ordinal),
            EmbeddingModel = _header.EmbeddingModel,
            EmbeddingDimensions = _header.EmbeddingDimensions,
            IndexedAt = indexedAt,
            Version = _header.Version,
            ChunkCount = keepChunks ? _header.ChunkCount : _received,
        };
        return (document, keepChunks ? [] : (IReadOnlyList<IndexedChunk>)_chunks!);
    }

    private void AcceptHeader(DocumentHeader header)
    {
        if (_header is not null)
        {
            throw new InvalidIndexRequestException("header", "sent more than once; a stream carries exactly one document");
        }

        if (string.IsNullOrWhiteSpace(header.DocumentId))
        {
            throw new InvalidIndexRequestException("header.document_id", "required");
        }

        if (header.DocumentId.Length > MaxDocumentIdLength)
        {
            throw new InvalidIndexRequestException("header.document_id", $"at most {MaxDocumentIdLength} characters, got {header.DocumentId.Length}");
        }

        if (string.IsNullOrWhiteSpace(header.EmbeddingModel))
        {
            throw new InvalidIndexRequestException("header.embedding_model", "required: the index refuses vectors of unknown origin");
        }

        if (header.EmbeddingDimensions < 1 || header.EmbeddingDimensions > options.MaxEmbeddingDimensions)
        {
            throw new InvalidIndexRequestException("header.embedding_dimensions", $"must be 1..{options.MaxEmbeddingDimensions}, got {header.EmbeddingDimensions}");
        }

        if (header.ChunkCount < 0 || header.ChunkCount > options.MaxChunksPerDocument)
        {
            throw new InvalidIndexRequestException("header.chunk_count", $"must be 0..{options.MaxChunksPerDocument}, got {header.ChunkCount}");
        }

        if (header.Version < 0)
        {
            throw new InvalidIndexRequestException("header.version", $"must be 0 (unversioned) or more, got {header.Version}");
        }

        if (header.Metadata.Keys.Any(string.IsNullOrEmpty))
        {
            throw new InvalidIndexRequestException("header.metadata", "keys must not be empty");
        }

        _header = header;
        _chunks = new IndexedChunk?[header.ChunkCount];
    }

    private void AcceptChunk(DocumentHeader header, ChunkRecord chunk)
    {
        if (_received == header.ChunkCount)
        {
            throw new InvalidIndexRequestException("chunks", $"more chunks than header.chunk_count ({header.ChunkCount})");
        }

        if (chunk.Ordinal < 0 || chunk.Ordinal >= header.ChunkCount)
        {
            throw new InvalidIndexRequestException("chunks.ordinal", $"{chunk.Ordinal} is outside 0..{header.ChunkCount - 1}");
        }

        if (_chunks[chunk.Ordinal] is not null)
        {
            throw new InvalidIndexRequestException("chunks.ordinal", $"{chunk.Ordinal} was sent twice");
        }

        var expectedId = ChunkIds.Create(header.DocumentId, chunk.Ordinal);
        if (!string.Equals(chunk.ChunkId, expectedId, StringComparison.Ordinal))
        {
            throw new InvalidIndexRequestException(
                "chunks.chunk_id", $"chunk {chunk.Ordinal} has id '{chunk.ChunkId}'; ids derive from (document id, ordinal): expected '{expectedId}'");
        }

        if (chunk.Vector.Count != header.EmbeddingDimensions)
        {
            throw new InvalidIndexRequestException(
                "chunks.vector", $"chunk {chunk.Ordinal} has {chunk.Vector.Count} values but header.embedding_dimensions is {header.EmbeddingDimensions}");
        }

        var vector = chunk.Vector.ToArray();
        if (!ChunkListValidator.IsUsable(vector))
        {
            throw new InvalidIndexRequestException("chunks.vector", $"chunk {chunk.Ordinal} is all zeros or holds a non-finite value");
        }

        if (chunk.Page < 0)
        {
            throw new InvalidIndexRequestException("chunks.page", $"chunk {chunk.Ordinal} has page {chunk.Page}; pages are 1-based, 0 for none");
        }

        if (chunk.StartOffset < 0 || chunk.EndOffset < chunk.StartOffset)
        {
            throw new InvalidIndexRequestException(
                "chunks.end_offset", $"chunk {chunk.Ordinal} spans {chunk.StartOffset}..{chunk.EndOffset}; offsets need 0 <= start <= end");
        }

        _chunks[chunk.Ordinal] = new IndexedChunk
        {
            ChunkId = chunk.ChunkId,
            Ordinal = chunk.Ordinal,
            Text = chunk.Text,
            Vector = vector,
            Page = chunk.Page,
            StartOffset = chunk.StartOffset,
            EndOffset = chunk.EndOffset,
            Section = chunk.Section,
            ContentHash = chunk.ContentHash,
        };
        _received++;
    }
}
