#Requires -Version 7.6
<#
.SYNOPSIS
    Copies a ref with its objects from one OSTree repository into another (like `ostree pull-local`), showing
    progress with Write-Progress, and prints the commit checksum.
.DESCRIPTION
    The SDK reports progress from thread-pool threads, where a PowerShell scriptblock cannot run. An
    [AptOstree.ProgressMonitor] takes the reports on any thread; the script starts the pull as a task and reads
    the monitor's latest report while it waits.
.EXAMPLE
    ./Copy-OstreeCommit.ps1 -AssemblyDirectory out/apt-ostree -Source ./build-repo -Repo ./repo -Ref os/x86_64
#>
param(
    [Parameter(Mandatory)] [string] $AssemblyDirectory,
    [Parameter(Mandatory)] [string] $Source,
    [Parameter(Mandatory)] [string] $Repo,
    [Parameter(Mandatory)] [string] $Ref
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Import-AptOstree.ps1') -AssemblyDirectory $AssemblyDirectory

$repository = [AptOstree.OSTree.OstreeRepository]::Open([IO.Path]::GetFullPath($Repo), $null)
$monitor = [AptOstree.ProgressMonitor]::new()
$options = [AptOstree.OSTree.PullOptions]@{ Progress = $monitor }
$task = $repository.PullLocalAsync([IO.Path]::GetFullPath($Source), $Ref, $options, [Threading.CancellationToken]::None)
while (-not $task.Wait(100)) {
    if ($report = $monitor.Current) {
        Write-Progress -Activity "Pulling $Ref" -Status "$($report.Completed) $($report.Unit)" -CurrentOperation $report.CurrentItem
    }
}
Write-Progress -Activity "Pulling $Ref" -Completed
Write-Verbose "$($monitor.ReportCount) progress reports"
$task.GetAwaiter().GetResult().ToString()
