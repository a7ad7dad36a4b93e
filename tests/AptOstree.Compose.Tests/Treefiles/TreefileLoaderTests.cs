namespace AptOstree.Compose.Tests.Treefiles;

public class TreefileLoaderTests
{
    private static string Write(string dir, string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_Include_ListsConcatenateAndScalarsOfTheIncludingFileWin()
    {
        string dir = Directory.CreateTempSubdirectory("aptostree-treefile-").FullName;
        Write(dir, "base.yaml", "ref: base/ref\nvariant: minbase\npackages: [bash]\nexclude-packages: [nano]\n");
        string top = Write(dir, "top.yaml", "include: base.yaml\nref: top/ref\npackages: [hello]\n");
        var t = TreefileLoader.Load(top);
        Assert.Equal("top/ref", t.Ref);
        Assert.Equal("minbase", t.Variant);
        Assert.Equal(["bash", "hello"], t.Packages);
        Assert.Equal(["nano"], t.ExcludePackages);
    }

    [Fact]
    public void Parse_JsonAndYaml_GiveTheSameTreefile()
    {
        var yaml = TreefileLoader.Parse("ref: a/b\nvariant: minbase\npackages: [hello, bash]\nrecommends: true\n", "t.yaml");
        var json = TreefileLoader.Parse("{\"ref\": \"a/b\", \"variant\": \"minbase\", \"packages\": [\"hello\", \"bash\"], \"recommends\": true}", "t.json");
        Assert.Equal(yaml.ToJson(), json.ToJson());
    }

    [Fact]
    public void Parse_Variables_AreSubstituted()
    {
        var t = TreefileLoader.Parse("variables: {flavour: mini}\nref: debian/12/${flavour}\n", "t.yaml");
        Assert.Equal("debian/12/mini", t.Ref);
    }

    [Theory]
    [InlineData("ref: a\nunknown-field: 1\n", "unknown-field", ":2:")]
    [InlineData("ref: a\nrecommends: maybe\n", "recommends", ":2:")]
    [InlineData("ref: a\nvariant: huge\n", "variant", ":2:")]
    [InlineData("ref: a\npackages: [\"bad name!\"]\n", "packages", ":2:")]
    [InlineData("ref: ${nope}\n", "ref", ":1:")]
    [InlineData("ref: a\nscripts: {ignore: [nodot]}\n", "scripts.ignore", ":2:")]
    public void Parse_WrongFieldTypeOrValue_ErrorNamesFileLineAndField(string text, string field, string line)
    {
        var ex = Assert.ThrowsAny<AptOstreeException>(() => TreefileLoader.Parse(text, "bad.yaml"));
        Assert.StartsWith("AO61", ex.ErrorCode, StringComparison.Ordinal);
        Assert.Contains("bad.yaml" + line, ex.Message, StringComparison.Ordinal);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IncludeCycle_IsAnError()
    {
        string dir = Directory.CreateTempSubdirectory("aptostree-treefile-").FullName;
        Write(dir, "a.yaml", "include: b.yaml\nref: a\n");
        Write(dir, "b.yaml", "include: a.yaml\n");
        var ex = Assert.ThrowsAny<AptOstreeException>(() => TreefileLoader.Load(Path.Combine(dir, "a.yaml")));
        Assert.Equal(ComposeErrorCodes.TreefileIncludeFailed, ex.ErrorCode);
    }
}
