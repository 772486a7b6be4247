#compdef gazr
# zsh completion for gazr.
# Install: gazr completion zsh > "${fpath[1]}/_gazr"   (then restart zsh), or
#          source <(gazr completion zsh)                (after compinit)
_gazr() {
	local -a candidates
	candidates=("${(@f)$(${words[1]} __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
	candidates=(${candidates:#})
	if (( ${#candidates} )); then
		compadd -S '' -- ${(M)candidates:#*=}
		compadd -- ${candidates:#*=}
	else
		_files
	fi
}
if [[ $funcstack[1] == _gazr ]]; then
	_gazr "$@"
else
	compdef _gazr gazr
fi
