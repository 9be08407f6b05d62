from hcc_kg.cli import main

main()
