# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] lang="en"
# # Lesson 10 · Validation, overfitting and checkpoints
#
# A model is only as good as it is on images it has never seen. In lessons 6 and 9 we cut a
# validation set off the training images and kept the test set for the very end; this lesson looks
# at why, and at what the validation set lets us do:
#
# 1. **split** a data set into training and validation parts, reproducibly (graded exercise 1);
# 2. draw **learning curves** and watch a network **overfit** a small training set;
# 3. fight overfitting with **Dropout** and **weight decay**, and see the curves change;
# 4. stop training at the right moment: **early stopping** on the validation loss;
# 5. save a **checkpoint** (model *and* optimizer) and resume training exactly where it stopped
#    (graded exercise 2);
# 6. use the **test set once**, at the end.
#
# **Objectives:** after this lesson you can split data into training, validation and test sets with a
# seeded generator, read learning curves and recognise overfitting, apply Dropout, weight decay and
# early stopping, and save and load checkpoints that resume training exactly.
#
# **Time:** about 80 minutes: reading, running every cell, and the two exercises.

# %% [markdown] lang="zh"
# # 第 10 课 · 验证集、过拟合与检查点
#
# 模型好不好，要看它在从没见过的图片上表现如何。第 6 课和第 9 课里，我们从训练图片中分出了验证集，并把测试集留到最后；
# 这一课来看看为什么要这样做，以及验证集能帮我们做些什么：
#
# 1. 把数据集**划分**成训练部分和验证部分，而且每次运行结果都一样（评分练习 1）；
# 2. 画出**学习曲线**，看着一个网络在很小的训练集上**过拟合**；
# 3. 用 **Dropout** 和**权重衰减**对付过拟合，看看曲线有什么变化；
# 4. 在恰当的时候停止训练：根据验证损失**早停**；
# 5. 保存**检查点**（模型*和*优化器），让训练从中断的地方原样继续（评分练习 2）；
# 6. 最后，**只用一次测试集**。
#
# **学习目标：**学完本课，你将能够用设了种子的生成器把数据划分成训练集、验证集和测试集，读懂学习曲线并识别过拟合，使用 Dropout、权重衰减和早停，并且能保存和加载检查点，让训练原样继续。
#
# **用时：**约 80 分钟（阅读、运行每个单元格、完成两个练习）。

# %%
import math
import tempfile
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import Subset, TensorDataset

import helper

device = helper.device()
# [en] One CPU thread: steady times on a busy machine (see lesson 9).
# [zh] 只用一个 CPU 线程：在繁忙的机器上耗时也很稳定（见第 9 课）。
torch.set_num_threads(1)
helper.seed_everything(0)
print("PyTorch", torch.__version__, helper.tr(en="on", zh="运行在"), device)

# %% [markdown] lang="en"
# ## 1. Three sets, three jobs
#
# * The **training set** is what the optimizer sees: every step lowers the loss on its batches.
# * The **validation set** is held out from training and used to *choose*: how many epochs, which
#   learning rate, how much regularisation, which model. Every time we look at it and change
#   something, the model fits it a little, so it is no longer a fully independent judge.
# * The **test set** is used **once**, at the very end, to report how well the finished model does.
#   Nothing is ever chosen by looking at it.
#
# FashionMNIST comes with 60,000 training and 10,000 test images; the validation set is ours to cut
# from the training images. The cut must be **random** (stored data are often ordered: by class, by
# date, by source, so the last 10% are not a fair sample) and **reproducible**: the same validation
# set in every run, or two runs cannot be compared. Both come from a seeded `torch.Generator` of its
# own, never the global random state, which every model initialisation and Dropout layer also draws
# from.

# %% [markdown] lang="zh"
# ## 1. 三个数据集，三种用途
#
# * **训练集**是优化器看到的数据：每一步都在降低它的批次上的损失。
# * **验证集**不参与训练，用来做*选择*：训练多少个轮次、用什么学习率、正则化加多少、选哪个模型。我们每看它一次、
#   据此改动一次，模型就多少迁就了它一点，所以它不再是完全独立的裁判。
# * **测试集**只在最后用**一次**，报告完成的模型表现如何。任何选择都不能看着它来做。
#
# FashionMNIST 自带 60,000 张训练图片和 10,000 张测试图片；验证集要我们自己从训练图片中分出来。
# 分法必须是**随机的**（存储的数据常常是排好序的：按类别、按日期、按来源，所以最后那 10% 并不是公平的样本），
# 而且**可以复现**：每次运行都得到同一个验证集，否则两次运行就没法比较。这两点都靠一个设了种子、专门用于划分的
# `torch.Generator` 来保证，而不是全局随机状态：初始化模型、每个 Dropout 层也都在从全局随机状态中取随机数。

# %% [markdown] lang="en"
# ## 2. Exercise 1 (2 points): `train_val_split`
#
# Write `train_val_split(dataset, val_fraction, generator)`. It returns a pair
# `(train_subset, val_subset)`:
#
# 1. the validation set has `n_val = int(len(dataset) * val_fraction)` samples: the product
#    **rounded down** (9 samples with `val_fraction=0.3` give 2.7, so 2), and the training set the
#    other `len(dataset) - n_val`;
# 2. take **one** random permutation of the indices, `torch.randperm(len(dataset), generator=generator)`,
#    and cut it in two: the first `n_val` indices for validation, the rest for training. Use the
#    generator you are given and no other source of randomness (not `torch.randperm` without
#    `generator=`, not Python's `random`), so that the same seed always gives the same split;
# 3. wrap each part as `Subset(dataset, indices)` (from `torch.utils.data`), with the indices as a
#    list of ints (`.tolist()`) or an integer tensor. A `Subset` copies nothing: it hands out
#    `dataset[indices[i]]` when asked. Never read the items yourself: a split needs indices only, and
#    reading every item of a large data set of image files would take minutes.
#
# `torch.utils.data.random_split` does exactly this, and you may use it in your own projects; here
# you write it yourself (the check refuses `random_split`).

# %% [markdown] lang="zh"
# ## 2. 练习 1（2 分）：`train_val_split`
#
# 请实现 `train_val_split(dataset, val_fraction, generator)`，返回一对 `(train_subset, val_subset)`：
#
# 1. 验证集有 `n_val = int(len(dataset) * val_fraction)` 个样本，即乘积**向下取整**（9 个样本、`val_fraction=0.3`
#    得到 2.7，所以是 2），训练集是其余的 `len(dataset) - n_val` 个；
# 2. 生成下标的**一个**随机排列 `torch.randperm(len(dataset), generator=generator)`，把它切成两段：前 `n_val` 个下标
#    作验证集，其余的作训练集。只用传进来的生成器，不用任何别的随机来源（不要用不带 `generator=` 的 `torch.randperm`，
#    也不要用 Python 的 `random`），这样同一个种子总能得到同样的划分；
# 3. 把每一部分包装成 `Subset(dataset, indices)`（来自 `torch.utils.data`），下标可以是整数列表（`.tolist()`）或整数张量。
#    `Subset` 不复制任何数据：要用时才取出 `dataset[indices[i]]`。不要自己去读数据项：划分只需要下标，
#    而在由图片文件组成的大数据集上逐个读取，要花好几分钟。
#
# `torch.utils.data.random_split` 做的正是这件事，在你自己的项目里可以直接用它；这里请你自己实现（检查会拒绝 `random_split`）。

# %% solution="train_val_split"
def train_val_split(dataset, val_fraction, generator):
    """Split `dataset` at random into (train_subset, val_subset); the validation set has int(len * val_fraction) samples."""
    ### BEGIN SOLUTION
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
    ### END SOLUTION


# %% tests="test_train_val_split" points=2
from autograder import check

check("train_val_split", train_val_split)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("train_val_split", train_val_split)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# Now the real split. We load FashionMNIST into memory as tensors (as in lesson 9), normalise it with
# the mean and standard deviation of the **training** images, and cut 10% off for validation, with a
# generator seeded 0. Running the split twice with the same seed gives the same validation set.

# %% [markdown] lang="zh"
# 现在来真正划分一次。像第 9 课那样把 FashionMNIST 以张量的形式载入内存，用**训练**图片的均值和标准差做归一化，
# 再用种子为 0 的生成器分出 10% 作验证集。用同一个种子再划分一次，得到的验证集完全相同。

# %%
train_images, train_labels = helper.load_tensors("FashionMNIST", train=True, device=device)
test_images, test_labels = helper.load_tensors("FashionMNIST", train=False, device=device)
MEAN, STD = train_images.mean(), train_images.std()
train_images, test_images = (train_images - MEAN) / STD, (test_images - MEAN) / STD

full_train = TensorDataset(train_images, train_labels)
train_part, val_part = train_val_split(full_train, 0.1, torch.Generator().manual_seed(0))
_, val_again = train_val_split(full_train, 0.1, torch.Generator().manual_seed(0))
print(helper.tr(en=f"training: {len(train_part):,}  validation: {len(val_part):,}  test: {len(test_labels):,}",
               zh=f"训练集：{len(train_part):,}  验证集：{len(val_part):,}  测试集：{len(test_labels):,}"))
print(helper.tr(en="same seed, same validation set:", zh="种子相同，验证集相同："),
      sorted(val_part.indices) == sorted(val_again.indices))

# %% [markdown] lang="en"
# ## 3. Learning curves and overfitting
#
# Overfitting shows best when the training set is small. We train on only **1,000** of the training
# images (the first 1,000 of our training part) and keep all 6,000 validation images to measure.
# For speed the subsets become tensors again, one indexing each, and batches come from
# `helper.tensor_loader` (lesson 6).
#
# The model is an MLP, 784 → 256 → 256 → 10, with 270,000 weights: far more than it needs to learn
# 1,000 images by heart. After every epoch, in eval mode and without gradients, we measure loss and
# accuracy on the whole training subset and on the validation set. One number per epoch and per set:
# these are the **learning curves**.

# %% [markdown] lang="zh"
# ## 3. 学习曲线与过拟合
#
# 训练集很小的时候，过拟合最明显。我们只用 **1,000** 张训练图片（训练部分的前 1,000 张）来训练，
# 6,000 张验证图片则全部用来测量。为了快，我们把 Subset 重新变回张量（每个只做一次索引），并用 `helper.tensor_loader`
# 取批次（见第 6 课）。
#
# 模型是一个多层感知机：784 → 256 → 256 → 10，共有 270,000 个权重，要把 1,000 张图片死记硬背下来绰绰有余。
# 每个轮次结束后，在评估模式下、不求梯度地测量整个训练子集和验证集上的损失与准确率。每个轮次、每个数据集各一个数：
# 这就是**学习曲线**。

# %%
N_SMALL, BATCH_SIZE, EPOCHS, LR = 1000, 100, 25, 2e-3

small_index = torch.as_tensor(train_part.indices[:N_SMALL], device=device)
val_index = torch.as_tensor(val_part.indices, device=device)
small_images, small_labels = train_images[small_index], train_labels[small_index]
val_images, val_labels = train_images[val_index], train_labels[val_index]
criterion = nn.CrossEntropyLoss()


def make_model(dropout=0.0):
    # [en] An MLP 784 → 256 → 256 → 10; with dropout > 0, a Dropout layer after each hidden layer.
    # [zh] 多层感知机 784 → 256 → 256 → 10；dropout > 0 时，每个隐藏层后面接一个 Dropout 层。
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(256, 256), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(256, 10),
    ).to(device)


def measure(model, images, labels):
    # [en] Loss and accuracy on a whole set, in eval mode and without gradients.
    # [zh] 整个数据集上的损失和准确率：评估模式，不求梯度。
    model.eval()
    with torch.no_grad():
        outputs = model(images)
        return criterion(outputs, labels).item(), (outputs.argmax(dim=1) == labels).float().mean().item()


def train_one_epoch(model, optimizer, epoch):
    # [en] One epoch over the small set; the shuffling depends on the epoch number only (section 6 needs that).
    # [zh] 在小训练集上训练一个轮次；打乱顺序只取决于轮次编号（第 6 节要用到这一点）。
    torch.manual_seed(1000 + epoch)
    loader = helper.tensor_loader(small_images, small_labels, BATCH_SIZE, shuffle=True,
                                  generator=torch.Generator().manual_seed(epoch))
    model.train()
    for inputs, labels in loader:
        optimizer.zero_grad()
        criterion(model(inputs), labels).backward()
        optimizer.step()


def run(dropout=0.0, weight_decay=0.0, epochs=EPOCHS):
    # [en] A fresh model trained `epochs` epochs with AdamW; the learning curves.
    # [zh] 新建一个模型，用 AdamW 训练 `epochs` 个轮次；返回学习曲线。
    torch.manual_seed(0)
    model = make_model(dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=weight_decay)
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    for epoch in range(epochs):
        train_one_epoch(model, optimizer, epoch)
        for name, images, labels in (("train", small_images, small_labels), ("val", val_images, val_labels)):
            loss, accuracy = measure(model, images, labels)
            history[f"{name}_loss"].append(loss)
            history[f"{name}_acc"].append(accuracy)
    return model, history


start = time.perf_counter()
plain_model, plain = run()
best = min(range(EPOCHS), key=lambda e: plain["val_loss"][e])
print(helper.tr(en=f"{EPOCHS} epochs in {time.perf_counter() - start:.1f} s", zh=f"{EPOCHS} 个轮次用时 {time.perf_counter() - start:.1f} s"))
print(helper.tr(en=f"lowest validation loss {plain['val_loss'][best]:.3f} at epoch {best + 1}; "
                   f"at the end: training loss {plain['train_loss'][-1]:.4f}, validation loss {plain['val_loss'][-1]:.3f}",
               zh=f"验证损失在第 {best + 1} 个轮次最低，为 {plain['val_loss'][best]:.3f}；"
                  f"训练结束时：训练损失 {plain['train_loss'][-1]:.4f}，验证损失 {plain['val_loss'][-1]:.3f}"))
print(helper.tr(en=f"accuracy at the end: training {plain['train_acc'][-1]:.1%}, validation {plain['val_acc'][-1]:.1%}",
               zh=f"训练结束时的准确率：训练集 {plain['train_acc'][-1]:.1%}，验证集 {plain['val_acc'][-1]:.1%}"))
helper.diagrams.overfitting_gap(plain);

# %% [markdown] lang="en"
# Read the figure from left to right:
#
# * for the first few epochs both losses fall: the model learns what clothes look like, and that
#   carries over to new images;
# * then the validation loss reaches its lowest point (the star) and **rises again**, while the
#   training loss keeps falling towards 0 and the training accuracy climbs towards 100%. The model now
#   learns the 1,000 training images by heart, details that say nothing about other images. The
#   shaded gap between the curves is **overfitting**, and it grows with every epoch;
# * the validation *accuracy* suffers less than the loss: the model stays right about as often, but
#   grows very confident, and where it is wrong it is wrong with a large loss.
#
# A training loss of almost 0 says nothing about how good a model is. Only the validation curve
# tells when to stop, and how well a change works.

# %% [markdown] lang="zh"
# 从左往右看这张图：
#
# * 前几个轮次，两条损失曲线都在下降：模型在学衣服长什么样，这些知识对新图片同样适用；
# * 随后验证损失到达最低点（星号），然后**重新上升**，而训练损失继续降向 0，训练准确率逼近 100%。
#   这时模型是在死记这 1,000 张训练图片，记住的细节对别的图片毫无意义。两条曲线之间的阴影就是**过拟合**，
#   而且一个轮次比一个轮次大；
# * 验证*准确率*受的影响比损失小：模型判断对的次数差不多，但变得过分自信，一旦判断错了，损失就很大。
#
# 训练损失接近 0，并不能说明模型好。什么时候该停、一个改动效果如何，只有验证集上的曲线说了算。

# %% [markdown] lang="en"
# ## 4. Two remedies: Dropout and weight decay
#
# The surest cure is more data. When there is no more, we can make it harder for the network to
# memorise; this is called **regularisation**. Two common ways:
#
# * **Dropout** (lesson 6): during training, each hidden unit is switched off at random (here with
#   probability 0.5, a fresh choice for every batch). No unit can rely on one particular other unit,
#   so the network cannot store a training image in a few special weights. In eval mode Dropout
#   does nothing.
# * **Weight decay** (lesson 9): AdamW shrinks every weight a little at each step,
#   $w \leftarrow w - \text{lr}\cdot\lambda\, w$. Weights the data do not keep pushing up fade away,
#   so the network prefers many small weights to a few large ones, and large weights are what sharp,
#   memorising decision boundaries are made of. With our small data set and few steps we take a
#   large $\lambda$ = `weight_decay` = 2 (with lr = 0.002, each step shrinks the weights by 0.4%).
#
# Same data, same epochs, same seed: only the regularisation changes.

# %% [markdown] lang="zh"
# ## 4. 两种对策：Dropout 与权重衰减
#
# 最可靠的办法是更多的数据。没有更多数据时，可以让网络更难死记硬背，这叫作**正则化**。常用的有两种：
#
# * **Dropout**（第 6 课）：训练时，每个隐藏单元都会被随机关掉（这里的概率是 0.5，每个批次重新选择）。
#   任何单元都不能依赖某一个特定的单元，所以网络没法把一张训练图片存在少数几个特别的权重里。在评估模式下 Dropout 不起作用。
# * **权重衰减**（第 9 课）：AdamW 每一步都把每个权重缩小一点，$w \leftarrow w - \text{lr}\cdot\lambda\, w$。
#   数据不持续推高的权重会慢慢消失，所以网络宁可用很多小权重，也不用少数大权重；而死记硬背式的、非常尖锐的决策边界，
#   正是由大权重构成的。我们的数据集小、训练步数少，所以取一个较大的 $\lambda$ = `weight_decay` = 2（lr = 0.002 时，每一步把权重缩小 0.4%）。
#
# 数据相同、轮次相同、种子相同，只改变正则化。

# %%
DROPOUT, WEIGHT_DECAY = 0.5, 2.0

_, with_dropout = run(dropout=DROPOUT)
_, with_decay = run(weight_decay=WEIGHT_DECAY)
runs = {helper.tr(en="no regularisation", zh="不加正则化"): plain,
        f"Dropout {DROPOUT}": with_dropout,
        helper.tr(en=f"weight decay {WEIGHT_DECAY}", zh=f"权重衰减 {WEIGHT_DECAY}"): with_decay}
for name, history in runs.items():
    lowest = min(history["val_loss"])
    print(helper.tr(en=f"{name:20} lowest validation loss {lowest:.3f}, at the end {history['val_loss'][-1]:.3f}; "
                       f"gap at the end {history['val_loss'][-1] - history['train_loss'][-1]:.3f}",
                    zh=f"{name:20} 验证损失最低 {lowest:.3f}，结束时 {history['val_loss'][-1]:.3f}；"
                       f"结束时的差距 {history['val_loss'][-1] - history['train_loss'][-1]:.3f}"))
helper.plot_history(with_dropout);
helper.plot_history(with_decay);

# %% [markdown] lang="en"
# Both remedies narrow the gap: the training loss no longer drops to 0, and the validation loss
# rises much more slowly after its lowest point. Regularisation does not make the model learn more
# from 1,000 images (the best validation loss changes little); it makes it forget less of what it
# learned while it goes on training. Neither removes overfitting completely: the validation loss
# still has a lowest point, and it is worth stopping there.

# %% [markdown] lang="zh"
# 两种对策都缩小了差距：训练损失不再降到 0，验证损失过了最低点以后也上升得慢多了。正则化并不能让模型从 1,000
# 张图片中学到更多（最低的验证损失变化不大），而是让它在继续训练时，少丢掉一些已经学到的东西。两者都没有彻底消除过拟合：
# 验证损失仍然有一个最低点，在那里停下来是值得的。

# %% [markdown] lang="en"
# ## 5. Early stopping
#
# **Early stopping** keeps the weights of the epoch with the lowest validation loss and stops when
# the validation loss has not improved for `patience` epochs in a row (the patience allows for a
# bumpy curve). The best weights are kept as a copy of `model.state_dict()` (lesson 9 kept them in a
# file; in memory is fine for a short run). `copy` matters: `state_dict()` returns the model's own
# tensors, which training goes on changing, so we clone each one.

# %% [markdown] lang="zh"
# ## 5. 早停
#
# **早停**保留验证损失最低的那个轮次的权重；如果验证损失连续 `patience` 个轮次都没有改善，就停止训练
# （给一点“耐心”，是因为曲线会有起伏）。最好的权重保存为 `model.state_dict()` 的一份副本（第 9 课把它存在文件里；
# 训练时间短的话，放在内存里也可以）。一定要复制：`state_dict()` 返回的是模型自己的张量，继续训练时它们还会变，
# 所以要把每个张量都 clone 一份。

# %%
PATIENCE = 4


def fit_with_early_stopping(model, optimizer, max_epochs, patience):
    # [en] Train until the validation loss has not improved for `patience` epochs; restore the best weights.
    # [zh] 一直训练，直到验证损失连续 `patience` 个轮次没有改善；然后恢复最好的权重。
    best_loss, best_epoch, best_state = math.inf, -1, None
    for epoch in range(max_epochs):
        train_one_epoch(model, optimizer, epoch)
        val_loss, _ = measure(model, val_images, val_labels)
        if val_loss < best_loss:
            best_loss, best_epoch = val_loss, epoch
            best_state = {name: tensor.clone() for name, tensor in model.state_dict().items()}
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch, epoch


torch.manual_seed(0)
model = make_model(DROPOUT)
optimizer = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)
best_epoch, last_epoch = fit_with_early_stopping(model, optimizer, EPOCHS, PATIENCE)
val_loss, val_accuracy = measure(model, val_images, val_labels)
print(helper.tr(en=f"stopped after epoch {last_epoch + 1}; kept the weights of epoch {best_epoch + 1}: "
                   f"validation loss {val_loss:.3f}, accuracy {val_accuracy:.1%}",
               zh=f"在第 {last_epoch + 1} 个轮次后停止；保留第 {best_epoch + 1} 个轮次的权重："
                  f"验证损失 {val_loss:.3f}，准确率 {val_accuracy:.1%}"))

# %% [markdown] lang="en"
# Early stopping saves time (no epochs wasted after the best one) and is itself a regulariser: it
# chooses how long to train *on the validation set*. That is also why the validation loss of the
# kept model is a little optimistic: the epoch was picked for being best there. The honest number
# comes from the test set, in section 7.

# %% [markdown] lang="zh"
# 早停既省时间（过了最好的轮次就不再白白训练），本身也是一种正则化：它*根据验证集*来选择训练多久。
# 也正因为如此，保留下来的模型在验证集上的损失略微偏乐观：这个轮次就是因为在验证集上最好才被选中的。
# 诚实的数字要靠测试集给出，见第 7 节。

# %% [markdown] lang="en"
# ## 6. Exercise 2 (3 points): checkpoints that resume exactly
#
# Long training runs get interrupted: a session times out, a machine restarts. A **checkpoint** is a
# file with everything needed to go on as if nothing had happened:
#
# * the model's `state_dict()`: every parameter and buffer (BatchNorm's running statistics too);
# * the **optimizer's** `state_dict()`: its hyperparameters and its state per parameter: SGD's
#   momentum buffers, Adam's two moments and step count. Without it the optimizer restarts from
#   zero momentum, and the resumed run goes elsewhere than the uninterrupted one;
# * the epoch.
#
# Write two functions:
#
# * `save_checkpoint(path, model, optimizer, epoch)`, called after epoch `epoch` has **finished**:
#   save one dictionary with the two state_dicts and the epoch, `torch.save({...}, path)`;
# * `load_checkpoint(path, model, optimizer)`: read it with `torch.load(path, weights_only=True)`,
#   restore both states **in place** with `model.load_state_dict(...)` and
#   `optimizer.load_state_dict(...)`, and **return the epoch to resume from**: the next one,
#   `epoch + 1`, so that the training loop `for epoch in range(start, EPOCHS)` goes on where it
#   stopped.
#
# Save the state_dicts, never the objects: `torch.save(model)` pickles the model's class, and such a
# file cannot be read with `weights_only=True`. A file of tensors and numbers is safe to load (loading
# a pickle can run any code in it) and any code that builds the same model can use it.

# %% [markdown] lang="zh"
# ## 6. 练习 2（3 分）：能原样继续训练的检查点
#
# 长时间的训练常常会被打断：会话超时，机器重启。**检查点**是一个文件，里面装着继续训练所需的一切，让训练像什么都没发生过一样接着进行：
#
# * 模型的 `state_dict()`：所有参数和缓冲区（也包括 BatchNorm 的滑动统计量）；
# * **优化器**的 `state_dict()`：它的超参数和每个参数对应的状态：SGD 的动量缓冲区，Adam 的两个矩估计和步数。
#   少了它，优化器就从零动量重新开始，恢复后的训练会走到和不中断的训练不同的地方；
# * 轮次。
#
# 请实现两个函数：
#
# * `save_checkpoint(path, model, optimizer, epoch)`：在第 `epoch` 个轮次**结束**后调用，把两个 state_dict 和轮次
#   存进一个字典，`torch.save({...}, path)`；
# * `load_checkpoint(path, model, optimizer)`：用 `torch.load(path, weights_only=True)` 读取，用
#   `model.load_state_dict(...)` 和 `optimizer.load_state_dict(...)` **原地**恢复两者的状态，并**返回继续训练的轮次**：
#   下一个轮次 `epoch + 1`，这样训练循环 `for epoch in range(start, EPOCHS)` 就从中断的地方接着进行。
#
# 要保存 state_dict，而不是对象本身：`torch.save(model)` 会用 pickle 保存模型的类，这样的文件无法用 `weights_only=True`
# 读取。只含张量和数字的文件可以放心加载（加载 pickle 可能执行其中的任意代码），而且任何搭建了同样模型的代码都能使用它。

# %% solution="checkpoint"
def save_checkpoint(path, model, optimizer, epoch):
    """Save the model's and the optimizer's state_dicts and `epoch` (just finished) to the file `path`."""
    ### BEGIN SOLUTION
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)
    ### END SOLUTION


def load_checkpoint(path, model, optimizer):
    """Restore `model` and `optimizer` in place from `path`; return the epoch to resume from (saved epoch + 1)."""
    ### BEGIN SOLUTION
    checkpoint = torch.load(path, weights_only=True)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"] + 1
    ### END SOLUTION


# %% tests="test_checkpoint" points=3
from autograder import check

check("checkpoint", save_checkpoint, load_checkpoint)
### BEGIN HIDDEN TESTS
from autograder import hidden_tests

hidden_tests("checkpoint", save_checkpoint, load_checkpoint)
### END HIDDEN TESTS

# %% [markdown] lang="en"
# Now the proof. Run A trains 6 epochs without a break. Run B trains 3 epochs (0, 1, 2), saves a
# checkpoint after epoch 2 and stops; then a **new** model with other initial weights and a **new**
# optimizer load the checkpoint and train from the epoch `load_checkpoint` returns up to the 6th.
#
# "Exactly" needs one more thing: the random numbers of the epochs after the break must be the ones
# the uninterrupted run used. Our `train_one_epoch` takes them from the epoch number alone (it seeds
# the shuffling generator and torch's global state, which Dropout draws from, with the epoch), so
# epoch 3 shuffles and drops the same way in both runs. (A checkpoint of a run that draws from one
# long stream of random numbers would also save the generator's state, `generator.get_state()`.)
#
# A third run, C, resumes with the model's weights only and a fresh optimizer: what a checkpoint
# without the optimizer gives.

# %% [markdown] lang="zh"
# 现在来验证。运行 A 不间断地训练 6 个轮次。运行 B 训练 3 个轮次（0、1、2），在第 2 个轮次之后保存检查点，然后停下；
# 接着，一个初始权重不同的**新**模型和一个**新**优化器加载这个检查点，从 `load_checkpoint` 返回的轮次开始，一直训练到第 6 个轮次。
#
# 要做到“原样”继续，还差一样东西：中断之后那些轮次用到的随机数，必须和不中断的运行用到的一样。我们的 `train_one_epoch`
# 只根据轮次编号来取随机数（它用轮次编号给打乱顺序的生成器和 torch 的全局随机状态设种子，Dropout 就从后者取随机数），
# 所以在两次运行中，第 3 个轮次打乱顺序和丢弃单元的方式完全一样。（如果一次运行从同一个长长的随机数序列中取数，
# 检查点里还要保存生成器的状态，即 `generator.get_state()`。）
#
# 第三次运行 C 只恢复模型的权重，优化器是新建的：这就是没有保存优化器的检查点所能给的。

# %%
RESUME_EPOCHS, BREAK_AFTER = 6, 2


def new_run(seed):
    # [en] A model (initial weights from `seed`) with Dropout, and its AdamW optimizer.
    # [zh] 一个带 Dropout 的模型（初始权重由 `seed` 决定）和它的 AdamW 优化器。
    torch.manual_seed(seed)
    model = make_model(DROPOUT)
    return model, torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WEIGHT_DECAY)


model_a, optimizer_a = new_run(seed=0)
for epoch in range(RESUME_EPOCHS):
    train_one_epoch(model_a, optimizer_a, epoch)

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "checkpoint.pt"
    model_b, optimizer_b = new_run(seed=0)
    for epoch in range(BREAK_AFTER + 1):
        train_one_epoch(model_b, optimizer_b, epoch)
    save_checkpoint(path, model_b, optimizer_b, BREAK_AFTER)
    # [en] The session ends...
    # [zh] 会话结束……
    del model_b, optimizer_b

    # [en] ...and a new one starts: other initial weights, an optimizer without state.
    # [zh] ……新的会话开始：初始权重不同，优化器没有任何状态。
    model_b, optimizer_b = new_run(seed=123)
    start = load_checkpoint(path, model_b, optimizer_b)
    for epoch in range(start, RESUME_EPOCHS):
        train_one_epoch(model_b, optimizer_b, epoch)

    model_c, optimizer_c = new_run(seed=123)
    model_c.load_state_dict(torch.load(path, weights_only=True)["model"])
    for epoch in range(start, RESUME_EPOCHS):
        train_one_epoch(model_c, optimizer_c, epoch)

same_weights = all(torch.equal(a, b) for a, b in zip(model_a.parameters(), model_b.parameters()))
moments_a, moments_b = optimizer_a.state_dict()["state"], optimizer_b.state_dict()["state"]
same_moments = all(torch.equal(moments_a[i][key], moments_b[i][key]) for i in moments_a for key in moments_a[i])
largest_gap = max((a - c).abs().max().item() for a, c in zip(model_a.parameters(), model_c.parameters()))
print(helper.tr(en=f"load_checkpoint returned {start}: training resumed at epoch {start}",
               zh=f"load_checkpoint 返回 {start}：从第 {start} 个轮次继续训练"))
print(helper.tr(en="B resumed == A uninterrupted: weights", zh="B（恢复）与 A（不中断）相同：权重"), same_weights,
      helper.tr(en=" Adam's moments and steps", zh=" Adam 的矩估计与步数"), same_moments)
print(helper.tr(en=f"C (fresh optimizer): its weights differ from A's by up to {largest_gap:.4f}",
               zh=f"C（新建的优化器）：权重与 A 最多相差 {largest_gap:.4f}"))
assert same_weights and same_moments, "the resumed run is not the uninterrupted one: check save_checkpoint and load_checkpoint"

# %% [markdown] lang="en"
# `torch.equal` compares bit for bit: run B, interrupted and resumed in a fresh model and optimizer,
# ends with exactly the weights and optimizer state of run A. Run C, which lost the optimizer's
# state, went elsewhere: Adam restarted its moments from zero, and its first steps after the break
# were of a different size and direction.

# %% [markdown] lang="zh"
# `torch.equal` 是逐位比较的：运行 B 被中断、再在新的模型和优化器中恢复，最终的权重和优化器状态与运行 A 完全相同。
# 丢了优化器状态的运行 C 则走到了别处：Adam 的矩估计从零重新开始，中断之后最初几步的大小和方向都不一样了。

# %% [markdown] lang="en"
# ## 7. The test set, once
#
# All choices are made: the model with Dropout and weight decay, stopped early at the epoch the
# validation set chose. Now, and only now, the test set: 10,000 images that played no part in any
# decision. Its accuracy is what we report. (Trained on only 1,000 images, the model is well below
# lesson 9's; with all 54,000 the same recipe does much better.)

# %% [markdown] lang="zh"
# ## 7. 测试集，只用一次
#
# 所有的选择都已经做完：带 Dropout 和权重衰减的模型，通过早停保留了验证集选出的那个轮次的权重。现在，也只有现在，才用测试集：
# 10,000 张没有参与过任何决定的图片。我们报告的就是它上面的准确率。（这个模型只用 1,000 张图片训练，
# 远不如第 9 课的模型；用全部 54,000 张图片，同样的方法会好得多。）

# %%
test_loss, test_accuracy = measure(model, test_images, test_labels)
print(helper.tr(en=f"validation accuracy {val_accuracy:.1%} (used to choose), test accuracy {test_accuracy:.1%} (used once)",
               zh=f"验证准确率 {val_accuracy:.1%}（用来做选择），测试准确率 {test_accuracy:.1%}（只用一次）"))
assert test_accuracy > 0.7, f"test accuracy {test_accuracy:.3f}: has the training changed?"

# %% [markdown] lang="en"
# ## Summary
#
# * Three sets, three jobs: train on the training set, choose on the validation set, report on the
#   test set, once. Cut the validation set at random with a seeded `torch.Generator` of its own:
#   one permutation, two `Subset`s.
# * Learning curves show overfitting: the training loss keeps falling while the validation loss
#   turns and rises; the gap between them grows. A small data set and a large model overfit fast.
# * Dropout and weight decay (regularisation) narrow the gap; early stopping keeps the weights of
#   the epoch with the lowest validation loss.
# * A checkpoint holds the model's **and** the optimizer's `state_dict()` and the epoch; loaded in
#   place, with the next epoch returned, training resumes exactly. Save state_dicts, not objects:
#   `torch.load(path, weights_only=True)` reads them safely.

# %% [markdown] lang="zh"
# ## 小结
#
# * 三个数据集，三种用途：在训练集上训练，在验证集上做选择，在测试集上报告结果，而且只用一次。用专门的、设了种子的
#   `torch.Generator` 随机划分出验证集：一个排列，两个 `Subset`。
# * 学习曲线能显示过拟合：训练损失一直在降，验证损失却掉头上升，两者之间的差距越来越大。数据集小、模型大，过拟合来得很快。
# * Dropout 和权重衰减（正则化）能缩小差距；早停保留验证损失最低的那个轮次的权重。
# * 检查点里装着模型**和**优化器的 `state_dict()` 以及轮次；原地加载并返回下一个轮次，训练就能原样继续。
#   要保存 state_dict 而不是对象：`torch.load(path, weights_only=True)` 可以安全地读取它们。

# %% [markdown] lang="en" answers=true
# ### Answers to the questions (for the instructor)
#
# 1. Every choice made by looking at the test accuracy (an epoch, a learning rate, a model) fits the
#    test set a little, exactly as choices fit the validation set. After many such choices the test
#    accuracy is an optimistic estimate, and nothing is left to measure the finished model honestly.
#    The validation accuracy is optimistic for the same reason; that is why there are two held-out sets.
# 2. The data set is sorted by class, so the last 10% are (almost) all ankle boots: the model is
#    validated on one class it may not even have trained on, and the validation numbers say nothing
#    about the others. A random split (`torch.randperm` with a seeded generator) gives every class its
#    share; for small or unbalanced data sets, a stratified split (the same fraction of every class) is
#    better still.
# 3. Adam restarts with zero moments and step count 1: its bias correction makes the first steps
#    about a full learning rate in the direction of the current gradient's sign, which is much larger
#    (and differently directed) than what the trained moments would give, so the weights jump away
#    from where the interrupted run was heading; with SGD and momentum the velocity restarts at zero,
#    so the first steps are smaller. Either way the run leaves the uninterrupted trajectory, and with
#    a schedule or a large learning rate it can lose several epochs of progress.

# %% [markdown] lang="zh" answers=true
# ### 思考题参考答案（供教师使用）
#
# 1. 每一个看着测试准确率做出的选择（轮次、学习率、模型）都会让模型多少迁就测试集，就像选择会迁就验证集一样。做过很多这样的选择之后，测试准确率就成了偏乐观的估计，再也没有数据能诚实地衡量完成的模型了。验证准确率出于同样的原因也偏乐观，所以才需要两个不参与训练的数据集。
# 2. 数据集按类别排好了序，最后 10% 几乎全是短靴：模型是在一个它可能根本没训练过的类别上验证的，验证结果对其他类别毫无意义。随机划分（用设了种子的生成器调用 `torch.randperm`）让每个类别都分到应有的份额；对于很小或类别不平衡的数据集，分层划分（每个类别取同样的比例）更好。
# 3. Adam 的矩估计从零、步数从 1 重新开始：偏差校正使最初几步的大小约为一整个学习率，方向是当前梯度的符号，这比训练好的矩估计给出的步子大得多（方向也不同），于是权重跳离了中断前的轨迹；对于带动量的 SGD，速度从零重新开始，所以最初几步更小。无论哪种情况，训练都偏离了不中断时的轨迹；如果有学习率调度或者学习率很大，可能要损失好几个轮次的进展。

# %% [markdown] lang="en"
# ## Questions to think about
#
# 1. Why not simply choose the number of epochs by looking at the test accuracy? What would the
#    reported test accuracy then mean?
# 2. A data set is stored sorted by class. What goes wrong if the validation set is its last 10%?
#    How does `train_val_split` avoid it, and what could do better still for a small data set?
# 3. Run C resumed with a fresh Adam optimizer. What exactly is different in its first steps after
#    the break, compared with run B?
#
# **Where to go from here.** You can now train, regularise, stop and resume a network and report an
# honest test accuracy. Natural next steps are data augmentation (random shifts and flips of the
# training images, another remedy for overfitting), learning-rate schedules that a checkpoint must
# save too (`scheduler.state_dict()`), and deeper convolutional networks.

# %% [markdown] lang="zh"
# ## 思考题
#
# 1. 为什么不直接看着测试准确率来选择训练多少个轮次？那样报告出来的测试准确率意味着什么？
# 2. 一个数据集是按类别排好序存储的。如果把它的最后 10% 作为验证集，会出什么问题？`train_val_split` 是怎样避免的？
#    对于很小的数据集，还有什么更好的做法？
# 3. 运行 C 用一个新建的 Adam 优化器继续训练。和运行 B 相比，它在中断之后最初几步到底有什么不同？
#
# **接下来。** 现在你已经能训练网络、加正则化、早停、从检查点恢复，并报告一个诚实的测试准确率。接下来可以学习数据增强
# （对训练图片做随机平移、翻转，这是对付过拟合的又一种办法）、同样需要存进检查点的学习率调度（`scheduler.state_dict()`），
# 以及更深的卷积网络。
