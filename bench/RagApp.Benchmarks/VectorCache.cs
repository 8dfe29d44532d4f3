using Microsoft.Extensions.AI;

namespace RagApp.Benchmarks;

/// <summary>
/// Vectors of texts embedded once with the model, kept in a file beside the benchmark (text → vector), so that a rerun
/// reads them in a second instead of embedding thousands of passages again.
/// </summary>
internal sealed class VectorCache(string path, Dictionary<string, float[]> vectors)
{
    private bool _changed;

    public static VectorCache Load(string path)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (File.Exists(path))
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var text = reader.ReadString();
                var vector = new float[reader.ReadInt32()];
                for (var j = 0; j < vector.Length; j++)
                {
                    vector[j] = reader.ReadSingle();
                }

                vectors[text] = vector;
            }
        }

        return new VectorCache(path, vectors);
    }

    /// <summary>Embeds the texts the file does not hold yet (calls of 256) and writes the file if any were.</summary>
    public async Task EnsureAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<string> texts)
    {
        var missing = texts.Distinct(StringComparer.Ordinal).Where(text => !vectors.ContainsKey(text)).ToList();
        var done = 0;
        foreach (var batch in missing.Chunk(256))
        {
            var embeddings = await generator.GenerateAsync(batch);
            for (var i = 0; i < batch.Length; i++)
            {
                vectors[batch[i]] = embeddings[i].Vector.ToArray();
            }

            done += batch.Length;
            _changed = true;
            Console.Write($"\rEmbedded {done} of {missing.Count} passages not in {Path.GetFileName(path)}");
        }

        if (_changed)
        {
            Console.WriteLine();
            Save();
        }
    }

    public float[] Get(string text) => vectors[text];

    private void Save()
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(vectors.Count);
        foreach (var (text, vector) in vectors)
        {
            writer.Write(text);
            writer.Write(vector.Length);
            foreach (var value in vector)
            {
                writer.Write(value);
            }
        }

        _changed = false;
    }
}
