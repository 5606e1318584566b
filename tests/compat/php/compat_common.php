<?php
// Shared by the PHP compat clients: checks that all run, and the final verdict.

$passed = 0;
$failed = [];
function check($cond, $what) {
    global $passed, $failed;
    if ($cond) { $passed++; } else { $failed[] = $what; echo "  FAILED: $what\n"; }
    return (bool)$cond;
}
function check_eq($actual, $expected, $what) {
    return check($actual === $expected, $what . ': expected ' . var_export($expected, true) .
                 ', got ' . var_export($actual, true));
}
