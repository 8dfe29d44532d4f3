using System.Xml.Linq;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// The image of a project resource: the ContainerRepository its project file declares for the .NET SDK's container
/// build (<c>dotnet publish /t:PublishContainer</c>), so the manifests name exactly the image the build produces.
/// </summary>
public static class ProjectImages
{
    public static string RepositoryOf(ProjectResource project)
    {
        var metadata = project.Annotations.OfType<IProjectMetadata>().FirstOrDefault()
            ?? throw new KubernetesPublishException($"The project resource {project.Name} has no project file.");
        if (!File.Exists(metadata.ProjectPath))
        {
            throw new KubernetesPublishException($"The project file of {project.Name} is missing: {metadata.ProjectPath}.");
        }

        var repository = XDocument.Load(metadata.ProjectPath)
            .Descendants()
            .FirstOrDefault(element => element.Name.LocalName == "ContainerRepository")?.Value.Trim();
        return string.IsNullOrEmpty(repository)
            ? throw new KubernetesPublishException(
                $"{Path.GetFileName(metadata.ProjectPath)} ({project.Name}) declares no ContainerRepository, so it has no image to deploy.")
            : repository;
    }

    public static string ImageOf(ProjectResource project, KubernetesPublishOptions options)
    {
        var repository = RepositoryOf(project);
        var registry = options.ImageRegistry.TrimEnd('/');
        return registry.Length == 0 ? $"{repository}:{options.ImageTag}" : $"{registry}/{repository}:{options.ImageTag}";
    }
}
