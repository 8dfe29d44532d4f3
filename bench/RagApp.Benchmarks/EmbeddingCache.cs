using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace RagApp.Benchmarks;

/// <summary>
/// Embeddings the benchmark computed before, on disk in its output folder (embedding-cache/&lt;model&gt;.bin), keyed
/// by the model and the SHA-256 of the text: a rerun of the retrieval benchmark indexes from here instead of spending
/// minutes in the model. Only the benchmark's own inputs go through it; the service embeds every question itself.
/// </summary>
internal sealed class EmbeddingCache
{
    private const int HashBytes = 32;

    private readonly Dictionary<string, float[]> _vectors = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly int _dimensions;

    private EmbeddingCache(string path, int dimensions)
    {
        _path = path;
        _dimensions = dimensions;
    }

    public static EmbeddingCache Open(string model, int dimensions)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "embedding-cache");
        Directory.CreateDirectory(folder);
        var name = string.Concat(model.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        var cache = new EmbeddingCache(Path.Combine(folder, $"{name}-{dimensions}.bin"), dimensions);
        if (File.Exists(cache._path))
        {
            using var reader = new BinaryReader(File.OpenRead(cache._path));
            var recordBytes = HashBytes + (dimensions * sizeof(float));
            while (reader.BaseStream.Length - reader.BaseStream.Position >= recordBytes)
            {
                var key = Convert.ToHexString(reader.ReadBytes(HashBytes));
                var vector = new float[dimensions];
                for (var i = 0; i < dimensions; i++)
                {
                    vector[i] = reader.ReadSingle();
                }

                cache._vectors[key] = vector;
            }
        }

        return cache;
    }

    public int Count => _vectors.Count;

    /// <summary>The vectors of <paramref name="texts"/>, in order; the missing ones embedded in one call and appended to the file.</summary>
    public async Task<float[][]> GetAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts)
    {
        var keys = texts.Select(Key).ToArray();
        var missing = Enumerable.Range(0, texts.Count).Where(i => !_vectors.ContainsKey(keys[i])).DistinctBy(i => keys[i]).ToList();
        if (missing.Count > 0)
        {
            var embeddings = await generator.GenerateAsync([.. missing.Select(i => texts[i])]);
            await using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write);
            await using var writer = new BinaryWriter(stream);
            for (var j = 0; j < missing.Count; j++)
            {
                var vector = embeddings[j].Vector.ToArray();
                if (vector.Length != _dimensions)
                {
                    throw new InvalidOperationException($"The model returned {vector.Length} dimensions, the cache holds {_dimensions}.");
                }

                writer.Write(Convert.FromHexString(keys[missing[j]]));
                foreach (var value in vector)
                {
                    writer.Write(value);
                }

                _vectors[keys[missing[j]]] = vector;
            }
        }

        return [.. keys.Select(key => _vectors[key])];
    }

    private static string Key(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
