using System.Collections.Concurrent;

namespace StepUp.Samples.Bank;

/// <summary>One transfer the demo bank carried out.</summary>
internal sealed record Transfer(string Id, string To, decimal Amount, DateTimeOffset At);

/// <summary>The demo bank's state, in memory: each user's balance, transfers and API keys.</summary>
internal sealed class Accounts
{
    private const decimal StartingBalance = 250_000m;
    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    public Account For(string user) => _accounts.GetOrAdd(user, _ => new Account(StartingBalance));

    internal sealed class Account(decimal balance)
    {
        private readonly List<Transfer> _transfers = [];
        private readonly List<string> _keys = [];

        public decimal Balance { get; private set; } = balance;

        public IReadOnlyList<Transfer> Transfers
        {
            get
            {
                lock (_transfers)
                {
                    return [.. _transfers];
                }
            }
        }

        public IReadOnlyList<string> KeyNames
        {
            get
            {
                lock (_keys)
                {
                    return [.. _keys];
                }
            }
        }

        /// <summary>Books a transfer once per id (a retry after a step-up must not pay twice).</summary>
        public Transfer? Book(string id, string to, decimal amount, DateTimeOffset at)
        {
            lock (_transfers)
            {
                if (_transfers.Any(t => t.Id == id) || amount <= 0 || amount > Balance)
                {
                    return null;
                }

                var transfer = new Transfer(id, to, amount, at);
                _transfers.Add(transfer);
                Balance -= amount;
                return transfer;
            }
        }

        public void AddKey(string name)
        {
            lock (_keys)
            {
                _keys.Add(name);
            }
        }
    }
}
