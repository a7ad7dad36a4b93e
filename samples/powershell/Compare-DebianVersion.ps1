#Requires -Version 7.6
<#
.SYNOPSIS
    Sorts Debian version strings with dpkg's ordering (epoch, upstream, revision, '~').
.EXAMPLE
    ./Compare-DebianVersion.ps1 -AssemblyDirectory out/apt-ostree 1.0 1.0~rc1 1:0.9 1.0-1
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory,
    [Parameter(Mandatory, Position = 0, ValueFromRemainingArguments)] [string[]] $Version
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Import-AptOstree.ps1') -AssemblyDirectory $AssemblyDirectory

$Version | ForEach-Object { [AptOstree.Deb.DebianVersion]::Parse($_) } | Sort-Object | ForEach-Object { $_.ToString() }
