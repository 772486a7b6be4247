# bash completion for gazr.
# Install: source <(gazr completion bash)   (in ~/.bashrc), or
#          gazr completion bash > /etc/bash_completion.d/gazr
_gazr() {
	# Split the line up to the cursor ourselves: bash's COMP_WORDS also
	# splits at ":" and "=", which task names (docs:serve) and flags hold.
	local line=${COMP_LINE:0:COMP_POINT}
	local -a words
	read -ra words <<<"$line"
	[[ $line == *[[:space:]] ]] && words+=("")
	local IFS=$'\n'
	local -a candidates
	candidates=($("${words[0]}" __complete "${words[@]:1}" 2>/dev/null))
	# Candidates must replace bash's current word, which starts after the
	# last ":" or "=" of ours.
	local ours=${words[${#words[@]}-1]} cur=${COMP_WORDS[COMP_CWORD]}
	[[ $cur == [=:] ]] && cur=
	local cut=$((${#ours} - ${#cur}))
	COMPREPLY=()
	local c
	for c in "${candidates[@]}"; do
		COMPREPLY+=("${c:cut}")
	done
	# A candidate that takes a value (scale's "web=") wants no space.
	if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
		compopt -o nospace 2>/dev/null
	fi
}
complete -o default -F _gazr gazr
