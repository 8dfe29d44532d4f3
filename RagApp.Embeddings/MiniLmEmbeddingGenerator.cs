using System.Buffers;
using FastBertTokenizer;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace RagApp.Core.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 in process: FastBertTokenizer WordPiece, ONNX Runtime, mean pooling, L2 normalisation.
/// Inputs are batched by similar token count, so padding stays small. Safe for concurrent calls: the tokenizer's
/// span-based Encode only reads its vocabulary and <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/> is thread-safe.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const string ProviderName = "ragapp-local";
    public const int Dimensions = 384;

    /// <summary>Inputs are cut to this many tokens, [CLS] and [SEP] included (the model's max_seq_length).</summary>
    public const int MaxTokens = 256;

    private readonly InferenceSession _session;
    private readonly SessionOptions _sessionOptions;
    private readonly BertTokenizer _tokenizer = new();
    private readonly MiniLmModelSignature _signature;
    private readonly long _padTokenId;
    private readonly LocalEmbeddingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly EmbeddingGeneratorMetadata _metadata = new(ProviderName, providerUri: null, ModelId, Dimensions);

    public MiniLmEmbeddingGenerator(LocalEmbeddingOptions options, TimeProvider? timeProvider = null, ILogger<MiniLmEmbeddingGenerator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        var started = _timeProvider.GetTimestamp();

        var (model, vocabulary) = MiniLmResources.Load();
        using (var reader = new StringReader(vocabulary))
        {
            _tokenizer.LoadVocabulary(reader, convertInputToLowercase: true);
        }

        _padTokenId = ReadPadTokenId(_tokenizer);
        _sessionOptions = MiniLmSessionOptions.Create(options);
        try
        {
            _session = new InferenceSession(model, _sessionOptions);
            _signature = MiniLmModelSignature.Read(_session);
        }
        catch
        {
            _session?.Dispose();
            _sessionOptions.Dispose();
            throw;
        }

        EmbeddingLog.LocalModelLoaded(logger ?? (ILogger)NullLogger.Instance, ModelId, _timeProvider.GetElapsedTime(started).TotalMilliseconds,
            options.IntraOpNumThreads, options.InterOpNumThreads, options.MaxBatchSize, options.MaxBatchTokens, options.ParallelBatches);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int dimensions && dimensions != Dimensions)
        {
            throw new ArgumentException($"{ModelId} produces {Dimensions} dimensions, not {dimensions}.", nameof(options));
        }

        var inputs = values as IReadOnlyList<string> ?? values.ToArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentException($"Input {i} is null.", nameof(values));
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }

        // The work is CPU-bound and runs on the caller's thread; an async wrapper would only add a thread hop.
        try
        {
            return Task.FromResult(Generate(inputs, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<GeneratedEmbeddings<Embedding<float>>>(cancellationToken);
        }
        catch (Exception exception)
        {
            return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(exception);
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }

    private GeneratedEmbeddings<Embedding<float>> Generate(IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        var count = inputs.Count;
        var embeddings = new Embedding<float>[count];
        if (count == 0)
        {
            return new GeneratedEmbeddings<Embedding<float>>(embeddings) { Usage = new UsageDetails { InputTokenCount = 0 } };
        }

        var tokenIds = ArrayPool<long>.Shared.Rent(count * MaxTokens);
        var tokenCounts = ArrayPool<int>.Shared.Rent(count);
        var order = ArrayPool<int>.Shared.Rent(count);
        var sortedCounts = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var totalTokens = Tokenize(inputs, tokenIds, tokenCounts);
            OrderLongestFirst(tokenCounts.AsSpan(0, count), order.AsSpan(0, count), sortedCounts.AsSpan(0, count));
            using var runOptions = new RunOptions();
            // Cancelling stops a running batch as well, not only the ones after it.
            using var registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, runOptions);
            var createdAt = _timeProvider.GetUtcNow();
            var plan = LengthBatchPlanner.Plan(sortedCounts.AsSpan(0, count), _options.MaxBatchSize, _options.MaxBatchTokens);
            Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.ParallelBatches, CancellationToken = cancellationToken }, index =>
            {
                var (start, batchSize) = plan[index];
                var batch = new MiniLmBatch(order.AsSpan(start, batchSize), sortedCounts[start], tokenIds, tokenCounts);
                RunBatch(batch, runOptions, createdAt, embeddings, cancellationToken);
            });

            return new GeneratedEmbeddings<Embedding<float>>(embeddings) { Usage = new UsageDetails { InputTokenCount = totalTokens } };
        }
        finally
        {
            ArrayPool<long>.Shared.Return(tokenIds);
            ArrayPool<int>.Shared.Return(tokenCounts);
            ArrayPool<int>.Shared.Return(order);
            ArrayPool<int>.Shared.Return(sortedCounts);
        }
    }

    /// <summary>
    /// Fills <paramref name="order"/> with input positions by descending token count and <paramref name="sortedCounts"/>
    /// with their counts. Longest first: the first batch is the largest, so ONNX Runtime's arena grows once and is reused.
    /// </summary>
    private static void OrderLongestFirst(ReadOnlySpan<int> tokenCounts, Span<int> order, Span<int> sortedCounts)
    {
        for (var i = 0; i < tokenCounts.Length; i++)
        {
            order[i] = i;
            sortedCounts[i] = -tokenCounts[i];
        }

        sortedCounts.Sort(order);
        for (var i = 0; i < sortedCounts.Length; i++)
        {
            sortedCounts[i] = -sortedCounts[i];
        }
    }

    /// <summary>Writes each input's token ids to its own <see cref="MaxTokens"/> slot; returns the total token count.</summary>
    private long Tokenize(IReadOnlyList<string> inputs, long[] tokenIds, int[] tokenCounts)
    {
        Span<long> attentionScratch = stackalloc long[MaxTokens];
        long total = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            // Empty or whitespace text becomes "[CLS] [SEP]", as in sentence-transformers: a defined, unit-length vector.
            tokenCounts[i] = _tokenizer.Encode(inputs[i], tokenIds.AsSpan(i * MaxTokens, MaxTokens), attentionScratch);
            total += tokenCounts[i];
        }

        return total;
    }

    private void RunBatch(MiniLmBatch batch, RunOptions runOptions, DateTimeOffset createdAt, Embedding<float>[] embeddings, CancellationToken cancellationToken)
    {
        var rows = batch.Indices.Length;
        var length = batch.PaddedLength;
        var size = rows * length;
        var inputIds = ArrayPool<long>.Shared.Rent(size);
        var attentionMask = ArrayPool<long>.Shared.Rent(size);
        var tokenTypeIds = ArrayPool<long>.Shared.Rent(size);
        try
        {
            batch.Fill(inputIds.AsSpan(0, size), attentionMask.AsSpan(0, size), _padTokenId);
            tokenTypeIds.AsSpan(0, size).Clear();
            long[] shape = [rows, length];
            using var inputIdsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputIds.AsMemory(0, size), shape);
            using var attentionMaskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, attentionMask.AsMemory(0, size), shape);
            using var tokenTypeIdsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tokenTypeIds.AsMemory(0, size), shape);
            using var outputs = Run(runOptions, _signature.Inputs(inputIdsValue, attentionMaskValue, tokenTypeIdsValue), cancellationToken);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            for (var row = 0; row < rows; row++)
            {
                var vector = new float[Dimensions];
                var tokens = batch.TokenCount(row);
                MeanPooling.PoolAndNormalize(hidden.Slice(row * length * Dimensions, tokens * Dimensions), tokens, vector);
                embeddings[batch.Indices[row]] = new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = createdAt };
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(inputIds);
            ArrayPool<long>.Shared.Return(attentionMask);
            ArrayPool<long>.Shared.Return(tokenTypeIds);
        }
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(RunOptions runOptions, IReadOnlyCollection<OrtValue> inputs, CancellationToken cancellationToken)
    {
        try
        {
            return _session.Run(runOptions, _signature.InputNames, inputs, _signature.OutputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            // RunOptions.Terminate makes ONNX Runtime fail the run; report it as the cancellation it is.
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>The vocabulary decides the padding id; encoding "" padded to three tokens gives [CLS] [SEP] [PAD].</summary>
    private static long ReadPadTokenId(BertTokenizer tokenizer)
    {
        Span<long> ids = stackalloc long[3];
        Span<long> mask = stackalloc long[3];
        tokenizer.Encode(string.Empty, ids, mask, padTo: 3);
        return ids[2];
    }
}
