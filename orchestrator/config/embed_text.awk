# SPDX-License-Identifier: GPL-2.0-or-later
# Turns a text file into C definitions of default_template_text (the file,
# as one string literal) and default_template_origin (the name variable).
BEGIN {
	print "/* Generated from " name " by embed_text.awk: do not edit. */"
	print "#include \"config/default_template.h\""
	print "const char default_template_origin[] = \"" name "\";"
	print "const char default_template_text[] ="
}
{
	out = ""
	for (i = 1; i <= length($0); i++) {
		c = substr($0, i, 1)
		out = out ((c == "\\" || c == "\"") ? "\\" c : c)
	}
	printf "\t\"%s\\n\"\n", out
}
END { print "\t\"\";" }
