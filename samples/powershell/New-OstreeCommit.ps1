#Requires -Version 7.6
<#
.SYNOPSIS
    Creates (or opens) an OSTree repository, commits a directory to a branch and prints the commit checksum.
    The repository is libostree's own format: `ostree --repo=REPO log BRANCH` reads it.
.EXAMPLE
    ./New-OstreeCommit.ps1 -AssemblyDirectory out/apt-ostree -Repo ./repo -Branch demo/x86_64 -Tree ./rootfs
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory,
    [Parameter(Mandatory)] [string] $Repo,
    [Parameter(Mandatory)] [string] $Branch,
    [Parameter(Mandatory)] [string] $Tree,
    [string] $Subject = 'Committed from PowerShell',
    [ValidateSet('Archive', 'Bare', 'BareUser', 'BareUserOnly')] [string] $Mode = 'BareUser'
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Import-AptOstree.ps1') -AssemblyDirectory $AssemblyDirectory

$repoPath = [IO.Path]::GetFullPath($Repo)
$repository = if (Test-Path (Join-Path $repoPath 'config')) {
    [AptOstree.OSTree.OstreeRepository]::Open($repoPath, $null)
} else {
    [AptOstree.OSTree.OstreeRepository]::Create($repoPath, [AptOstree.OSTree.RepoMode]::$Mode, $null, $null)
}
$options = [AptOstree.OSTree.CommitOptions]@{ Branch = $Branch; Subject = $Subject }
$checksum = $repository.Commit((Resolve-Path $Tree).Path, $options)
$checksum.ToString()
