#Requires -Version 7.6
<#
.SYNOPSIS
    Loads the AptOstree assemblies (and their dependencies) into the current PowerShell session.
.DESCRIPTION
    Point -AssemblyDirectory at a folder holding AptOstree.*.dll with their dependencies beside them,
    e.g. the output of `dotnet publish samples/AptOstree.Cli -c Release -o out/apt-ostree`.
    PowerShell 7.6 runs on .NET 10, so the net10.0 assemblies load directly.
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory
)
$ErrorActionPreference = 'Stop'
$dir = (Resolve-Path $AssemblyDirectory).Path
# Dependencies first, so that Add-Type of the SDK assemblies finds them already loaded.
$order = @('Microsoft.Extensions.*.dll', 'SharpCompress.dll', 'ZstdSharp.dll', 'BouncyCastle.Cryptography.dll',
           'K4os.*.dll', 'YamlDotNet.dll', 'System.IO.Abstractions.dll', 'TestableIO.*.dll',
           'AptOstree.Core.dll', 'AptOstree.Deb.dll', 'AptOstree.OSTree.dll', 'AptOstree.Compose.dll')
foreach ($pattern in $order) {
    foreach ($dll in Get-ChildItem -Path $dir -Filter $pattern -ErrorAction SilentlyContinue) {
        try { Add-Type -Path $dll.FullName } catch [System.IO.FileLoadException] { <# already loaded by PowerShell itself #> }
    }
}
