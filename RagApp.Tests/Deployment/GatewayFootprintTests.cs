using System.Reflection;
using System.Text.Json;

namespace RagApp.Tests.Deployment;

/// <summary>
/// The gateway carries no embedding model: neither ONNX Runtime, the tokenizer, the MiniLM model assembly nor
/// RagApp.Embeddings reach its dependencies (its deps.json, which decides what is published) or its assembly
/// references. RagApp.Rag is the contrast: it must have them, so the check is known to see them.
/// </summary>
public sealed class GatewayFootprintTests
{
    private static readonly string[] ModelParts = ["Microsoft.ML.OnnxRuntime", "FastBertTokenizer", "SentenceTransformers", "RagApp.Embeddings"];

    [Fact]
    public void GatewayDependencies_HoldNoEmbeddingModel_WhileRagsDo()
    {
        Assert.DoesNotContain(Libraries("RagApp.Gateway"), library => ModelParts.Any(part => library.StartsWith(part, StringComparison.OrdinalIgnoreCase)));
        var rag = Libraries("RagApp.Rag");
        Assert.Contains(rag, library => library.StartsWith("Microsoft.ML.OnnxRuntime/", StringComparison.Ordinal));
        Assert.Contains(rag, library => library.StartsWith("RagApp.Embeddings/", StringComparison.Ordinal));
    }

    [Fact]
    public void GatewayAssemblyReferences_ReachNoEmbeddingModel()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<AssemblyName>([new AssemblyName("RagApp.Gateway")]);
        while (pending.TryPop(out var name))
        {
            // Framework and package assemblies are not followed: only ours could pull the model in.
            if (!seen.Add(name.Name!) || !name.Name!.StartsWith("RagApp.", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        Assert.Contains("RagApp.Core", seen);
        Assert.DoesNotContain(seen, name => ModelParts.Any(part => name.StartsWith(part, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>The "libraries" of an app's deps.json, copied beside the tests with the app: "name/version" each.</summary>
    private static List<string> Libraries(string app)
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, app + ".deps.json")));
        return [.. deps.RootElement.GetProperty("libraries").EnumerateObject().Select(library => library.Name)];
    }
}
