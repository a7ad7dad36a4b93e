using System.Reflection;
using System.Runtime.CompilerServices;
using AptOstree.Compose;
using AptOstree.Deb;
using AptOstree.OSTree;
using AptOstree.OpenPgp;

namespace AptOstree.Compose.Tests.Conventions;

/// <summary>
/// The namespace rule of docs/architecture.md: a type lives in its package's root namespace, or in one of the
/// package's few scenario sub-namespaces; DI registration classes live in Microsoft.Extensions.DependencyInjection;
/// namespaces spell "OSTree", type names spell it as a word ("Ostree").
/// </summary>
public sealed class NamespaceRuleTests
{
    private static readonly Dictionary<Assembly, string[]> AllowedNamespaces = new()
    {
        [typeof(Checksum).Assembly] = ["AptOstree", "AptOstree.Posix"],
        [typeof(OpenPgpKeyring).Assembly] = ["AptOstree.OpenPgp"],
        [typeof(DebPackage).Assembly] = ["AptOstree.Deb", "AptOstree.Deb.Apt", "AptOstree.Deb.Solver", "AptOstree.Deb.Dpkg"],
        [typeof(OstreeRepository).Assembly] = ["AptOstree.OSTree", "AptOstree.OSTree.GVariant", "AptOstree.OSTree.Sysroot"],
        [typeof(BaseImageReference).Assembly] = ["AptOstree.Compose", "AptOstree.Compose.Layering", "AptOstree.Compose.Images"],
    };

    public static TheoryData<string> Packages() => new(AllowedNamespaces.Keys.Select(a => a.GetName().Name!));

    [Theory]
    [MemberData(nameof(Packages))]
    public void EveryType_LivesInAnAllowedNamespace(string package)
    {
        var (assembly, allowed) = AllowedNamespaces.Single(kv => kv.Key.GetName().Name == package);
        var offenders = OwnTypes(assembly)
            .Where(t => !allowed.Contains(t.Namespace) && !IsServiceRegistration(t))
            .Select(t => $"{t.FullName} (namespace {t.Namespace ?? "<global>"})")
            .ToList();
        Assert.True(offenders.Count == 0, $"{package}: types outside {string.Join(", ", allowed)}:\n{string.Join("\n", offenders)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void TypeNames_SpellOstreeAsAWord_AndNamespaces_SpellOSTree(string package)
    {
        var assembly = AllowedNamespaces.Keys.Single(a => a.GetName().Name == package);
        var offenders = OwnTypes(assembly)
            .Where(t => t.Name.Contains("OSTree", StringComparison.Ordinal)
                || (t.Namespace ?? string.Empty).Replace("AptOstree", string.Empty, StringComparison.Ordinal).Contains("Ostree", StringComparison.Ordinal))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(offenders.Count == 0, $"{package}: casing rule broken by:\n{string.Join("\n", offenders)}");
    }

    [Fact]
    public void ServiceRegistrations_AreTheOnlyTypesInTheDependencyInjectionNamespace()
    {
        var registrations = AllowedNamespaces.Keys.SelectMany(OwnTypes)
            .Where(t => t.Namespace == "Microsoft.Extensions.DependencyInjection")
            .ToList();
        Assert.NotEmpty(registrations);
        Assert.All(registrations, t => Assert.True(IsServiceRegistration(t), $"{t.FullName} is not a public static *ServiceCollectionExtensions class"));
    }

    private static bool IsServiceRegistration(Type type) =>
        type.Namespace == "Microsoft.Extensions.DependencyInjection" && type.IsPublic && type.IsAbstract && type.IsSealed
        && type.Name.EndsWith("ServiceCollectionExtensions", StringComparison.Ordinal);

    private static IEnumerable<Type> OwnTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => !t.IsNested
            && !t.Name.StartsWith('<')
            && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null
            && !(t.Namespace ?? string.Empty).StartsWith("System", StringComparison.Ordinal)
            && !(t.Namespace ?? string.Empty).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal));
}
