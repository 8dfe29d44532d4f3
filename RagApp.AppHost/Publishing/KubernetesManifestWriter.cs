using System.Text;
using k8s;

namespace RagApp.AppHost.Publishing;

/// <summary>Writes a <see cref="KubernetesManifestSet"/> as YAML files, one document per object.</summary>
public static class KubernetesManifestWriter
{
    public static async Task WriteAsync(KubernetesManifestSet set, string directory, CancellationToken cancellationToken)
    {
        foreach (var file in set.Files)
        {
            var path = Path.Combine(directory, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));
            if (file.KeepExisting && File.Exists(path))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, Render(file), new UTF8Encoding(false), cancellationToken);
        }
    }

    public static string Render(KubernetesManifestFile file) =>
        file.Text ?? string.Join("---\n", file.Documents.Select(document => KubernetesYaml.Serialize(document).TrimEnd('\n') + "\n"));
}
