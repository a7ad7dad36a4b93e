#Requires -Version 7.6
<#
.SYNOPSIS
    Composes a treefile into an OSTree commit with the SDK's TreeComposer (what `apt-ostree compose tree` runs) and
    prints the package list, one "NAME VERSION ARCHITECTURE" line each in install order, then "REF => COMMIT"
    ("REF unchanged => COMMIT" when the inputs equal those of the ref's commit). -DryRun and -DownloadOnly stop after
    the package list.
.DESCRIPTION
    The repository is created when absent: bare-user for a normal user (the scripts then run in a bubblewrap user
    namespace), bare for root. Packages come from the treefile's sources, else from the host's apt sources and the
    lists in -ListsDirectory (default /var/lib/apt/lists).
.EXAMPLE
    ./Invoke-TreeCompose.ps1 -AssemblyDirectory out/apt-ostree -Treefile samples/treefiles/debian-12-minbase.yaml -Repo ./repo
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory,
    [Parameter(Mandatory)] [string] $Treefile,
    [Parameter(Mandatory)] [string] $Repo,
    [string] $CacheDirectory,
    [string] $ListsDirectory,
    [switch] $DryRun,
    [switch] $DownloadOnly
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Import-AptOstree.ps1') -AssemblyDirectory $AssemblyDirectory

$repoPath = [IO.Path]::GetFullPath($Repo)
if (-not $CacheDirectory) { $CacheDirectory = Join-Path (Split-Path $repoPath) 'cache' }
$tree = [AptOstree.Compose.TreefileLoader]::Load((Resolve-Path $Treefile).Path)
$repository = if (Test-Path (Join-Path $repoPath 'config')) {
    [AptOstree.OSTree.OstreeRepository]::Open($repoPath, $null)
} else {
    $mode = if ([Environment]::IsPrivilegedProcess) { 'Bare' } else { 'BareUser' }
    [AptOstree.OSTree.OstreeRepository]::Create($repoPath, [AptOstree.OSTree.RepoMode]::$mode, $null, $null)
}
$options = [AptOstree.Compose.ComposeOptions]@{
    CacheDirectory = [IO.Path]::GetFullPath($CacheDirectory)
    ListsDirectory = if ($ListsDirectory) { [IO.Path]::GetFullPath($ListsDirectory) } else { $null }
    DryRun         = $DryRun.IsPresent
    DownloadOnly   = $DownloadOnly.IsPresent
}
$composer = [AptOstree.Compose.TreeComposer]::new($repository, $null)
$result = $composer.ComposeAsync($tree, $options, $null, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
foreach ($p in $result.Packages) { "$($p.Name) $($p.Version) $($p.Architecture)" }
if ($null -ne $result.Commit -and -not $DryRun -and -not $DownloadOnly) {
    if ($result.Changed) { "$($result.Ref) => $($result.Commit)" } else { "$($result.Ref) unchanged => $($result.Commit)" }
}
